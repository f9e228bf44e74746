"""The authorization matrix, in-process (DESIGN §2, §8): every operation of each service's OpenAPI
× every caller of `principals.py`, on real PostgreSQL. The expected answer of a cell comes from
the operation's rule (`authorization.py`, one table per service); each cell runs inside a
savepoint rolled back after it, so every cell meets the same records. A cell is right when the
status is the expected one and, for a refusal, the problem code says why; a successful cell
must also not be a problem answer. An operation of the OpenAPI without a rule fails the test.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import httpx
from fastapi import FastAPI

from common.registry import SERVICE_NAMES
from tests.contract.authorization import Cell, expected_status
from tests.contract.principals import Caller, callers
from tests.fixtures.clients import Isolated, isolated
from tests.fixtures.tokens import DevTokens

METHODS = ("get", "post", "put", "patch", "delete")
REFUSAL_CODES = {
    401: {"unauthenticated", "invalid_token", "token_expired"},
    403: {"forbidden"},
}


def operations(app: FastAPI) -> dict[str, int]:
    """`METHOD path` of every operation in the OpenAPI, with its success status."""
    found: dict[str, int] = {}
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                success = [int(s) for s in operation["responses"] if s.startswith("2")]
                assert len(success) == 1, f"{method} {path}: {success}"
                found[f"{method.upper()} {path}"] = success[0]
    return found


def matrix_of(service: str) -> ModuleType:
    return importlib.import_module(f"tests.contract.matrix_{service}")


def unclassified(ops: dict[str, int], rules: dict[str, Cell]) -> tuple[list[str], list[str]]:
    return sorted(set(ops) - set(rules)), sorted(set(rules) - set(ops))


def wrong(r: httpx.Response, expected: int, caller: Caller) -> str | None:
    """Why the answer is not the expected one, or None when it is."""
    if r.status_code != expected:
        return f"{r.status_code} (expected {expected}) {r.text[:160]}"
    is_problem = r.headers.get("content-type", "").startswith("application/problem+json")
    if expected >= 400:
        code = r.json().get("code", "") if is_problem else ""
        allowed = REFUSAL_CODES.get(expected)
        if caller.name == "expired":
            allowed = {"token_expired"}
        if allowed is not None and code not in allowed:
            return f"{expected} with code {code!r}"
        if expected == 404 and not code:
            return "404 without a problem code"
    elif is_problem:
        return f"{r.status_code} but a problem answer: {r.text[:160]}"
    return None


async def run_matrix(
    send: Callable[[str, str, dict[str, str], Any], Any],
    ops: dict[str, int],
    rules: dict[str, Cell],
    ids: dict[str, Any],
    everyone: list[Caller],
    undone: Callable[[], Any] | None = None,
) -> tuple[int, list[str]]:
    cells, mistakes = 0, []
    for op, success in sorted(ops.items()):
        method = op.split(" ", 1)[0]
        cell = rules[op]
        path, body = cell.request(ids)
        for caller in everyone:
            expected = expected_status(cell.rule, caller, success)
            if undone is None:
                r = await send(method, path, caller.headers(), body)
            else:
                async with undone():
                    r = await send(method, path, caller.headers(), body)
            cells += 1
            why = wrong(r, expected, caller)
            if why is not None:
                mistakes.append(f"{op} as {caller.name}: {why}")
    return cells, mistakes


def test_every_service_has_a_matrix() -> None:
    for service in SERVICE_NAMES:
        assert isinstance(matrix_of(service).RULES, dict)


async def check_service(service: str, app: FastAPI, tokens: DevTokens) -> None:
    matrix = matrix_of(service)
    ops = operations(app)
    # a route added without a rule (or a rule left for a removed route) fails here
    assert unclassified(ops, matrix.RULES) == ([], [])
    everyone = callers(tokens)

    async with isolated(app) as inside:
        ids = await matrix.scenario(app, inside.client, tokens)

        async def send(method: str, path: str, headers: dict[str, str], body: Any) -> Any:
            return await inside.client.request(method, path, headers=headers, json=body)

        cells, mistakes = await run_matrix(
            send, ops, matrix.RULES, ids, everyone, undone=_undone(inside)
        )

    assert mistakes == [], f"{len(mistakes)} wrong cells:\n" + "\n".join(mistakes)
    assert cells == len(ops) * len(everyone)
    print(f"{service}: {len(ops)} operations × {len(everyone)} callers = {cells} cells")


def _undone(inside: Isolated) -> Callable[[], Any]:
    return inside.undone


async def test_childcare_answers_every_caller_as_its_rules_say(
    childcare_app: FastAPI, tokens: DevTokens
) -> None:
    await check_service("childcare", childcare_app, tokens)


async def test_jobs_answers_every_caller_as_its_rules_say(
    jobs_app: FastAPI, tokens: DevTokens
) -> None:
    await check_service("jobs", jobs_app, tokens)


async def test_eldercare_answers_every_caller_as_its_rules_say(
    eldercare_app: FastAPI, tokens: DevTokens
) -> None:
    await check_service("eldercare", eldercare_app, tokens)
