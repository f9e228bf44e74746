"""SIGKILL mid-burst (DESIGN §8): 200 citizens register for one job fair at once through the
gateway of the four real processes, and the jobs service is killed (SIGKILL, no drain) once
some registrations are committed. After it is started again: the fair's seat counter equals its
registration rows, every 201 acknowledged is there, and each citizen retrying with the same
`Idempotency-Key` ends with exactly one seat — the counter still equal to the rows."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import asyncpg
import httpx
import pytest

from common.clock import city_today
from common.provisioning import ProvisionedDatabase, asyncpg_dsn
from tests.e2e.platform import Platform, four_processes
from tests.fixtures.processes import pid_listening_on
from tests.fixtures.tokens import DevTokens
from tests.fixtures.waiting import eventually
from tests.jobs.factories import fair_body

pytestmark = pytest.mark.e2e
BURST = 200
KILL_AFTER_ROWS = 20
UNLIMITED = "1000000/minute"


@pytest.fixture(scope="module")
def platform(db: ProvisionedDatabase, tokens: DevTokens) -> Iterator[Platform]:
    env = {"RATE_LIMIT": UNLIMITED, "ANONYMOUS_RATE_LIMIT": UNLIMITED}
    with four_processes(db, tokens, env) as running:
        yield running


async def _seats(conn: asyncpg.Connection, fair: int) -> tuple[int, int, dict[str, int]]:
    """The fair's counter, its `registered` rows, and each citizen's number of seats."""
    counter = await conn.fetchval("SELECT registered FROM jobs.fair WHERE id = $1", fair)
    rows = await conn.fetch(
        "SELECT citizen_sub, count(*) AS n FROM jobs.fair_registration"
        " WHERE fair_id = $1 AND status = 'registered' GROUP BY citizen_sub",
        fair,
    )
    per_citizen = {r["citizen_sub"]: int(r["n"]) for r in rows}
    return int(counter), sum(per_citizen.values()), per_citizen


async def _registration_ids(conn: asyncpg.Connection, fair: int) -> set[int]:
    rows = await conn.fetch("SELECT id FROM jobs.fair_registration WHERE fair_id = $1", fair)
    return {int(r["id"]) for r in rows}


async def test_sigkill_mid_burst_leaves_counter_equal_to_rows_and_loses_no_201(
    platform: Platform, tokens: DevTokens
) -> None:
    day = city_today() + timedelta(days=30)
    body = fair_body(
        capacity=BURST + 50,
        starts_at=f"{day.isoformat()}T09:00:00+08:00",
        ends_at=f"{day.isoformat()}T16:00:00+08:00",
    )
    citizens = [f"sigkill-{n}" for n in range(BURST)]
    headers = {
        sub: {**tokens.headers(sub, "citizen"), "Idempotency-Key": f"fair-seat-{sub}"}
        for sub in citizens
    }
    conn = await asyncpg.connect(asyncpg_dsn(platform.env["jobs"]["DATABASE_URL"]))
    limits = httpx.Limits(max_connections=BURST + 10)
    try:
        async with httpx.AsyncClient(
            base_url=platform.gateway, timeout=60, limits=limits
        ) as client:
            staff = tokens.headers("sigkill-staff", "jobs_staff")
            created = await client.post("/jobs/v1/fairs", json=body, headers=staff)
            assert created.status_code == 201, created.text
            fair = int(created.json()["id"])
            path = f"/jobs/v1/fairs/{fair}/registrations"

            async def register(sub: str) -> httpx.Response:
                return await client.post(path, headers=headers[sub])

            service = f"http://127.0.0.1:{platform.ports['jobs']}"
            pid = pid_listening_on(service)
            burst = [asyncio.create_task(register(sub)) for sub in citizens]
            await eventually(lambda: _seats(conn, fair), lambda s: s[1] >= KILL_AFTER_ROWS, pause=0)
            os.kill(pid, signal.SIGKILL)
            first = dict(zip(citizens, await asyncio.gather(*burst), strict=True))

            # the killed service is started again on its port; the others never stopped
            platform.stop("jobs")
            platform.start("jobs")
            after_kill = await _seats(conn, fair)
            rows_after_kill = await _registration_ids(conn, fair)

            # the gateway passes requests to jobs again (its breaker closes by itself)
            probe = headers[citizens[0]]
            await eventually(
                lambda: client.get("/jobs/v1/fair-registrations", headers=probe),
                lambda r: r.status_code == 200,
                within=60,
            )
            # everyone without a 201 retries with the same key
            retried = {sub: await register(sub) for sub, r in first.items() if r.status_code != 201}
            final = await _seats(conn, fair)
    finally:
        await conn.close()

    statuses = Counter(r.status_code for r in first.values())
    assert 500 not in statuses and set(statuses) <= {201, 502, 503, 504}, statuses
    # the kill came mid-burst: some seats were acknowledged, some requests cut off
    assert 0 < statuses[201] < BURST, statuses
    acknowledged = {int(r.json()["id"]) for r in first.values() if r.status_code == 201}
    assert acknowledged <= rows_after_kill  # every 201 is in the database
    counter, rows, per_citizen = after_kill
    assert counter == rows and all(n == 1 for n in per_citizen.values())

    assert {r.status_code for r in retried.values()} == {201}
    counter, rows, per_citizen = final
    assert counter == rows == BURST  # one seat each, counted once
    assert set(per_citizen) == set(citizens) and set(per_citizen.values()) == {1}
    replayed = sum(r.headers.get("idempotent-replayed") == "true" for r in retried.values())
    print(
        f"SIGKILL mid-burst: {dict(statuses)}; rows after the kill {after_kill[1]} "
        f"(counter {after_kill[0]}); {len(retried)} retried, {replayed} replayed; "
        f"final {final[1]} rows, counter {final[0]}"
    )
