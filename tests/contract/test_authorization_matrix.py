"""The authorization matrix, in-process (DESIGN §2, §8): every operation of each service's OpenAPI
× every caller of `principals.py`, on real PostgreSQL. The expected answer of a cell comes from
the operation's rule (`authorization.py`, one table per service in `matrix_<service>.py`); each
cell runs inside a savepoint rolled back after it, so every cell meets the same records and an
admitted caller must get the operation's success status exactly. A refusal must also say why
(its problem code). An operation of the OpenAPI without a rule fails the test.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import httpx
from fastapi import FastAPI

from common.registry import SERVICE_NAMES
from tests.contract.cells import operations, run_matrix, unclassified
from tests.contract.principals import callers
from tests.fixtures.clients import isolated
from tests.fixtures.tokens import DevTokens


def matrix_of(service: str) -> ModuleType:
    return importlib.import_module(f"tests.contract.matrix_{service}")


def test_every_service_has_a_matrix() -> None:
    for service in SERVICE_NAMES:
        assert isinstance(matrix_of(service).RULES, dict)


async def check_service(service: str, app: FastAPI, tokens: DevTokens) -> None:
    matrix = matrix_of(service)
    ops = operations(app.openapi())
    # a route added without a rule (or a rule left for a removed route) fails here
    assert unclassified(ops, matrix.RULES) == ([], [])
    everyone = callers(tokens)

    async with isolated(app) as inside:
        ids = await matrix.scenario(app, inside.client, tokens)

        async def send(
            method: str, path: str, headers: dict[str, str], body: Any
        ) -> httpx.Response:
            return await inside.client.request(method, path, headers=headers, json=body)

        cells, mistakes = await run_matrix(
            send, ops, matrix.RULES, ids, everyone, undone=inside.undone
        )

    assert mistakes == [], f"{len(mistakes)} wrong cells:\n" + "\n".join(mistakes)
    assert cells == len(ops) * len(everyone)
    print(f"{service}: {len(ops)} operations × {len(everyone)} callers = {cells} cells")


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
