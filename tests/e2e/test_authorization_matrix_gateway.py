"""The authorization matrix through the gateway (DESIGN §2, §8): the four real processes on a
seeded database, every operation of the gateway's merged OpenAPI × every caller. The gateway
checks tokens itself before it proxies, so a refused token must be `401` here too, and the
services' answers must pass through unchanged: `403` for a missing role, `404` for another
citizen's record. Requests really commit here, so an admitted caller may meet `409` where an
earlier admitted caller already moved the record on (the in-process matrix, where each cell is
rolled back, checks the exact success status); a `409` never hides a refusal."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from common.provisioning import ProvisionedDatabase
from common.registry import SERVICE_NAMES
from tests.contract import matrix_gateway
from tests.contract.authorization import PRIVATE, Cell
from tests.contract.cells import operations, run_matrix, unclassified
from tests.contract.principals import callers
from tests.e2e.platform import Platform, four_processes
from tests.fixtures.clients import running_app
from tests.fixtures.tokens import DevTokens

pytestmark = pytest.mark.e2e
UNLIMITED = "1000000/minute"  # this test is about who may call, not how often


@asynccontextmanager
async def in_process(service: str, platform: Platform, tokens: DevTokens) -> AsyncIterator[FastAPI]:
    """The service's app on the platform's database, to create the scenario's records."""
    env = platform.env[service]
    config = importlib.import_module(f"services.{service}.config")
    main = importlib.import_module(f"services.{service}.main")
    settings = config.Settings(
        database_url=env["DATABASE_URL"],
        database_pgbouncer=env.get("DATABASE_PGBOUNCER") == "true",
        **tokens.settings(),
    )
    async with running_app(main.create_app(settings)) as app:
        yield app


@pytest.fixture(scope="module")
def platform(db: ProvisionedDatabase, tokens: DevTokens) -> Iterator[Platform]:
    gateway_env = {
        "RATE_LIMIT": UNLIMITED,
        "ANONYMOUS_RATE_LIMIT": UNLIMITED,
        "CHECK_IN_RATE_LIMIT": UNLIMITED,
        "STARTUP_WARM_SECONDS": "0",
    }
    with four_processes(db, tokens, gateway_env) as running:
        yield running


async def test_every_operation_of_the_merged_openapi_answers_every_caller_through_the_gateway(
    platform: Platform, tokens: DevTokens
) -> None:
    rules: dict[str, Cell] = dict(matrix_gateway.RULES)
    ids: dict[str, Any] = {}
    for service in SERVICE_NAMES:
        matrix = importlib.import_module(f"tests.contract.matrix_{service}")
        rules |= matrix.RULES
        async with in_process(service, platform, tokens) as app:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                # each service's ids under its own prefix: the tables share no names
                found = await matrix.scenario(app, client, tokens)
        ids[service] = found
    # the gateway's own owned record: a notice of the owner's, merged from childcare
    ids["wellbeing"] = {
        "notice": f"childcare-{ids['childcare']['notice']}",
        PRIVATE: ids["childcare"][PRIVATE],
    }

    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gateway:
        spec = (await gateway.get("/openapi.json")).json()
        ops = operations(spec)
        # a route of the merged OpenAPI without a rule fails here
        assert unclassified(ops, rules) == ([], [])

        async def send(
            method: str, path: str, headers: dict[str, str], body: Any
        ) -> httpx.Response:
            return await gateway.request(method, path, headers=headers, json=body)

        everyone = callers(tokens)
        total, mistakes, conflicts = 0, list[str](), list[str]()
        for prefix in [*SERVICE_NAMES, "wellbeing"]:
            mine = {op: s for op, s in ops.items() if op.split(" ")[1].startswith(f"/{prefix}/")}
            cells, wrong = await run_matrix(
                send, mine, rules, ids.get(prefix, {}), everyone, conflicts=conflicts
            )
            total += cells
            mistakes += wrong

    assert mistakes == [], f"{len(mistakes)} wrong cells:\n" + "\n".join(mistakes)
    assert total == len(ops) * len(everyone)
    print(f"through the gateway: {len(ops)} operations × {len(everyone)} callers = {total} cells,")
    print(f"{len(conflicts)} admitted cells met 409 after an earlier cell moved the record on:")
    print("\n".join(conflicts))
