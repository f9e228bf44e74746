"""Database connections the server drops mid-request (DESIGN §2): a real childcare process on a
scratch database of its own, 30 clients reading and writing without pause, and every backend of
the service terminated with `pg_terminate_backend` whenever one is busy, round after round. The
driver then fails in several ways — the server's FATAL, a closed connection, and asyncpg's
`InternalClientError` ("cannot switch to state …; another operation is in progress") — and each
must be the request's own answer (200, 201) or `503 database_unavailable` with `Retry-After`:
never a 500, never a dropped HTTP connection. Afterwards the same process serves again by
itself, and every acknowledged write is in the database."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from itertools import count

import asyncpg
import httpx
import pytest

from common.provisioning import ProvisionedDatabase, asyncpg_dsn, scratch_database
from common.registry import process
from tests.fixtures.processes import served
from tests.fixtures.tokens import DevTokens
from tests.fixtures.waiting import eventually

# `faults`: it kills or restarts processes or the database itself, so it runs against PostgreSQL
# directly (CI: embedded and server phases), never through PgBouncer
pytestmark = [pytest.mark.e2e, pytest.mark.faults]
CLIENTS = 30
ROUNDS = 40
POOL = 8


@pytest.fixture(scope="module")
def scratch(db: ProvisionedDatabase) -> Iterator[dict[str, str]]:
    with scratch_database(db.admin_url) as urls:
        yield urls


async def _busy_backends(observer: asyncpg.Connection) -> list[int]:
    """The service's connections running a statement now."""
    rows = await observer.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND application_name = 'childcare' AND state = 'active'"
    )
    return [int(r["pid"]) for r in rows]


async def test_backends_terminated_under_load_answer_503_never_500(
    scratch: dict[str, str], tokens: DevTokens
) -> None:
    env = {
        "ENVIRONMENT": "development",
        "DEV_KEY_FILE": str(tokens.public_key),
        "DATABASE_URL": scratch["childcare"],
        "DATABASE_POOL_SIZE": str(POOL),
        "LOG_LEVEL": "WARNING",
    }
    guardian = "citizen-connection-lost"
    citizen = tokens.headers(guardian, "citizen")
    serial = count()
    answers: list[httpx.Response] = []
    failures: list[str] = []
    terminated = 0
    dsn = asyncpg_dsn(scratch["childcare"])

    async def one(client: httpx.AsyncClient) -> httpx.Response:
        n = next(serial)
        if n % 2:
            return await client.get("/childcare/v1/children", headers=citizen)
        body = {"name": f"断线童{n}", "birth_date": "2025-06-01"}
        return await client.post("/childcare/v1/children", json=body, headers=citizen)

    async def steadily(client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                answers.append(await one(client))
            except httpx.TransportError as exc:  # the service dropped the HTTP connection
                failures.append(repr(exc))

    with served(process("childcare").app_factory, env) as service:
        limits = httpx.Limits(max_connections=CLIENTS)
        async with httpx.AsyncClient(base_url=service, timeout=60, limits=limits) as client:
            observer = await asyncpg.connect(dsn)
            try:
                stop = asyncio.Event()
                load = [asyncio.create_task(steadily(client, stop)) for _ in range(CLIENTS)]
                # a busy backend may finish and leave before it is terminated: count only the
                # terminations that happened
                while terminated < ROUNDS:
                    for pid in await eventually(lambda: _busy_backends(observer), bool, pause=0):
                        terminated += await observer.fetchval(
                            "SELECT pg_terminate_backend($1)", pid
                        )
                stop.set()
                await asyncio.gather(*load)
                during = Counter((r.request.method, r.status_code) for r in answers)

                # the same process serves again by itself
                async def batch() -> list[httpx.Response]:
                    got = list(await asyncio.gather(*(one(client) for _ in range(2 * POOL))))
                    answers.extend(got)
                    return got

                await eventually(batch, lambda got: {r.status_code for r in got} <= {200, 201})
                rows = await observer.fetch(
                    "SELECT id FROM childcare.child WHERE guardian_sub = $1", guardian
                )
            finally:
                await observer.close()

    assert failures == []
    statuses = Counter((r.request.method, r.status_code) for r in answers)
    assert set(statuses) <= {("GET", 200), ("GET", 503), ("POST", 201), ("POST", 503)}, statuses
    for r in answers:
        if r.status_code == 503:
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["code"] == "database_unavailable"
            assert int(r.headers["retry-after"]) >= 1
    unavailable = statuses["GET", 503] + statuses["POST", 503]
    assert unavailable > 0  # the terminations met requests
    saved = {r.json()["id"] for r in answers if r.status_code == 201}
    assert saved <= {row["id"] for row in rows}  # every acknowledged write is there
    print(f"{terminated} backends terminated; {during} answers during: {statuses}")
