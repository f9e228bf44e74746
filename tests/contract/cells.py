"""Running the authorization matrix: the operations of an OpenAPI document, and each cell sent
and judged against its rule (used in-process and through the gateway)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx

from tests.contract.authorization import PRIVATE, Cell, expected_status, stranger
from tests.contract.principals import Caller

METHODS = ("get", "post", "put", "patch", "delete")
REFUSAL_CODES = {
    401: {"unauthenticated", "invalid_token", "token_expired"},
    403: {"forbidden"},
}
Send = Callable[[str, str, dict[str, str], Any], Awaitable[httpx.Response]]


def operations(spec: dict[str, Any]) -> dict[str, int]:
    """`METHOD path` of every operation of an OpenAPI document, with its success status."""
    found: dict[str, int] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                success = [int(s) for s in operation["responses"] if s.startswith("2")]
                assert len(success) == 1, f"{method} {path}: {success}"
                found[f"{method.upper()} {path}"] = success[0]
    return found


def unclassified(ops: dict[str, int], rules: dict[str, Cell]) -> tuple[list[str], list[str]]:
    """Operations without a rule, and rules for operations that are gone."""
    return sorted(set(ops) - set(rules)), sorted(set(rules) - set(ops))


def wrong(r: httpx.Response, expected: int, caller: Caller) -> str | None:
    """Why the answer is not the expected one, or None when it is."""
    if r.status_code != expected:
        return f"{r.status_code} (expected {expected}) {r.text[:160]}"
    is_problem = r.headers.get("content-type", "").startswith("application/problem+json")
    if expected >= 400:
        code = r.json().get("code", "") if is_problem else ""
        allowed = {"token_expired"} if caller.name == "expired" else REFUSAL_CODES.get(expected)
        if allowed is not None and code not in allowed:
            return f"{expected} with code {code!r}"
        if expected == 404 and not code:
            return "404 without a problem code"
    elif is_problem:
        return f"{r.status_code} but a problem answer: {r.text[:160]}"
    return None


async def run_matrix(
    send: Send,
    ops: dict[str, int],
    rules: dict[str, Cell],
    ids: dict[str, Any],
    everyone: list[Caller],
    *,
    undone: Callable[[], AbstractAsyncContextManager[None]] | None = None,
    conflicts: list[str] | None = None,
) -> tuple[int, list[str]]:
    """Sends every cell; returns the number of cells and the wrong ones. Without `undone` (real
    processes: nothing is rolled back between cells) a caller the rule admits may meet `409`
    where an earlier cell already moved the record on; such cells go to `conflicts`."""
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
            if conflicts is not None and expected < 300 and r.status_code == 409:
                conflicts.append(f"{op} as {caller.name}")
                continue
            why = wrong(r, expected, caller)
            if why is None and stranger(cell.rule, caller):
                seen = [text for text in ids.get(PRIVATE, ()) if text in r.text]
                why = f"a stranger sees the owner's {seen}" if seen else None
            if why is not None:
                mistakes.append(f"{op} as {caller.name}: {why}")
    return cells, mistakes
