"""PostgreSQL restarted under a light read/write load (DESIGN §2, §8): the four real processes on
an embedded server of this test's own, a few clients reading and writing through the gateway
in all three services, the server stopped (fast shutdown) and started again. While it is down
every answer is `503` with `Retry-After` — never a 500, 502 or 504; afterwards the same four
processes (same PIDs, none restarted) serve again by themselves, and every write acknowledged
with 201 — before, during or after — is in the database."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import psutil
import pytest

from common.provisioning import ProvisionedDatabase, asyncpg_dsn, provision_database
from common.registry import SERVICE_NAMES
from tests.e2e.platform import Platform, four_processes
from tests.fixtures.processes import pid_listening_on
from tests.fixtures.restartable import RestartablePostgres
from tests.fixtures.tokens import DevTokens
from tests.fixtures.waiting import eventually

# `faults`: it kills or restarts processes or the database itself, so it runs against PostgreSQL
# directly (CI: embedded and server phases), never through PgBouncer
pytestmark = [pytest.mark.e2e, pytest.mark.faults]
CLIENTS = 6
UNLIMITED = "1000000/minute"
RECOVERY_SECONDS = 90.0  # a generous bound for the gateway's breaker and a loaded machine
# (service, table) of each write's row, to find every acknowledged write afterwards
TABLES = {"childcare": "childcare.child", "jobs": "jobs.graduate", "eldercare": "eldercare.elder"}


@pytest.fixture(scope="module")
def own_db() -> Iterator[ProvisionedDatabase]:
    with provision_database(prefix="wb_restart", embedded_only=True) as database:
        yield database


@pytest.fixture(scope="module")
def platform(own_db: ProvisionedDatabase, tokens: DevTokens) -> Iterator[Platform]:
    env = {"RATE_LIMIT": UNLIMITED, "ANONYMOUS_RATE_LIMIT": UNLIMITED}
    with four_processes(own_db, tokens, env) as running:
        yield running


@pytest.fixture(scope="module")
def server(own_db: ProvisionedDatabase) -> RestartablePostgres:
    return RestartablePostgres.of(own_db)


@dataclass(frozen=True)
class Answer:
    phase: str
    service: str
    method: str
    status: int
    body: Any
    retry_after: str | None


def _requests(tokens: DevTokens) -> Iterator[tuple[str, str, str, dict[str, str], Any]]:
    """(service, method, path, headers, body), round after round: a write and a personal read in
    each service; every write by a citizen of its own (one graduate profile per citizen)."""
    for n in itertools.count():
        sub = f"restart-{n}"
        me = tokens.headers(sub, "citizen")
        yield (
            "childcare",
            "POST",
            "/childcare/v1/children",
            me,
            {
                "name": f"重启童{n}",
                "birth_date": "2025-06-01",
            },
        )
        yield "childcare", "GET", "/childcare/v1/children", me, None
        yield (
            "jobs",
            "POST",
            "/jobs/v1/graduates",
            me,
            {
                "university": "内蒙古大学",
                "degree": "bachelor",
                "graduation_date": "2024-07-01",
                "retention": "stayed",
                "employment_status": "employed",
                "district": "赛罕区",
            },
        )
        yield "jobs", "GET", "/jobs/v1/fair-registrations", me, None
        yield (
            "eldercare",
            "POST",
            "/eldercare/v1/elders",
            me,
            {
                "name": f"重启老人{n}",
                "birth_date": "1945-03-01",
            },
        )
        yield "eldercare", "GET", "/eldercare/v1/elders", me, None


def _pids(platform: Platform) -> dict[str, int]:
    bases = {name: f"http://127.0.0.1:{port}" for name, port in platform.ports.items()}
    return {
        name: pid_listening_on(base)
        for name, base in {**bases, "gateway": platform.gateway}.items()
    }


async def test_postgres_restart_answers_503_meanwhile_and_loses_no_acknowledged_write(
    platform: Platform, server: RestartablePostgres, tokens: DevTokens
) -> None:
    pids = _pids(platform)
    answers: list[Answer] = []
    phase = "before"
    stop = asyncio.Event()
    requests = _requests(tokens)

    async def client_loop(client: httpx.AsyncClient) -> None:
        while not stop.is_set():
            service, method, path, headers, body = next(requests)
            at = phase
            r = await client.request(method, path, headers=headers, json=body)
            content = r.json() if r.headers.get("content-type", "").endswith("json") else r.text
            answers.append(
                Answer(at, service, method, r.status_code, content, r.headers.get("retry-after"))
            )

    def served(where: str, ok: Callable[[Answer], bool]) -> Callable[[], Any]:
        async def counts() -> Counter[str]:
            return Counter(a.service for a in answers if a.phase == where and ok(a))

        return counts

    def every_service(at_least: int) -> Callable[[Counter[str]], bool]:
        return lambda counts: all(counts[s] >= at_least for s in SERVICE_NAMES)

    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        load = [asyncio.create_task(client_loop(client)) for _ in range(CLIENTS)]
        try:
            await eventually(served("before", lambda a: a.status < 300), every_service(6))
            phase = "during"  # from the moment the shutdown begins
            await asyncio.to_thread(server.stop)
            await eventually(
                served("during", lambda a: a.status == 503), every_service(3), within=60
            )
            await asyncio.to_thread(server.start)
            phase = "after"
            # the same processes serve again: reads and writes of every service succeed
            await eventually(
                served("after", lambda a: a.status < 300),
                every_service(6),
                within=RECOVERY_SECONDS,
            )
        finally:
            stop.set()
            await asyncio.gather(*load)

    assert _pids(platform) == pids  # no process was restarted
    assert all(psutil.pid_exists(pid) for pid in pids.values())
    wrong = [a for a in answers if a.status not in (200, 201, 503)]
    assert wrong == []
    for a in answers:
        if a.status == 503:
            assert a.body["code"] in ("database_unavailable", "service_unavailable"), a
            assert a.retry_after is not None and int(a.retry_after) >= 1, a

    missing: dict[str, set[int]] = {}
    for service in SERVICE_NAMES:
        acknowledged = {
            int(a.body["id"]) for a in answers if a.service == service and a.status == 201
        }
        conn = await asyncpg.connect(asyncpg_dsn(platform.env[service]["DATABASE_URL"]))
        try:
            rows = await conn.fetch(
                f"SELECT id FROM {TABLES[service]} WHERE id = ANY($1::bigint[])", list(acknowledged)
            )
        finally:
            await conn.close()
        missing[service] = acknowledged - {int(r["id"]) for r in rows}
    assert missing == {s: set() for s in SERVICE_NAMES}

    figures = Counter((a.phase, a.method, a.status) for a in answers)
    print("PostgreSQL restart:", dict(sorted(figures.items())))
