"""SIGKILL mid-burst (DESIGN §8): 200 citizens register at once through the gateway of the four
real processes — for one job fair, for one eldercare class with a waitlist — and the service is
killed (SIGKILL, no drain) once some registrations are committed. After it is started again:
the seat counters equal the registration rows, every 201 acknowledged is there, and each
citizen retrying with the same `Idempotency-Key` ends with exactly one registration (or a
clear `409` when the class and its waitlist are full) — the counters still equal to the rows."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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

# `faults`: it kills or restarts processes or the database itself, so it runs against PostgreSQL
# directly (CI: embedded and server phases), never through PgBouncer
pytestmark = [pytest.mark.e2e, pytest.mark.faults]
BURST = 200
KILL_AFTER_ROWS = 20
UNLIMITED = "1000000/minute"


@pytest.fixture(scope="module")
def platform(db: ProvisionedDatabase, tokens: DevTokens) -> Iterator[Platform]:
    env = {"RATE_LIMIT": UNLIMITED, "ANONYMOUS_RATE_LIMIT": UNLIMITED}
    with four_processes(db, tokens, env) as running:
        yield running


@dataclass(frozen=True)
class Seats:
    counters: tuple[int, ...]  # the record's counters, in the order of `rows`
    rows: tuple[int, ...]  # the live registration rows, per status
    per_citizen: dict[str, int]  # each citizen's live registrations
    ids: frozenset[int]  # every registration row's id


@dataclass(frozen=True)
class Case:
    service: str
    table: str  # the registrations
    owner: str  # their column naming the citizen
    parent: str  # their column naming the fair or class
    counted: str  # the record's table
    statuses: tuple[str, ...]  # the live statuses, each with its counter column (same name)

    async def seats(self, conn: asyncpg.Connection, record: int) -> Seats:
        columns = ", ".join(self.statuses)
        counters = await conn.fetchrow(
            f"SELECT {columns} FROM {self.counted} WHERE id = $1", record
        )
        rows = await conn.fetch(
            f"SELECT id, {self.owner} AS sub, status FROM {self.table} WHERE {self.parent} = $1",
            record,
        )
        live = [r for r in rows if r["status"] in self.statuses]
        return Seats(
            counters=tuple(int(counters[s]) for s in self.statuses),
            rows=tuple(sum(r["status"] == s for r in live) for s in self.statuses),
            per_citizen=dict(Counter(r["sub"] for r in live)),
            ids=frozenset(int(r["id"]) for r in rows),
        )


FAIR = Case(
    "jobs", "jobs.fair_registration", "citizen_sub", "fair_id", "jobs.fair", ("registered",)
)
CLASS = Case(
    "eldercare",
    "eldercare.activity_registration",
    "registrant_sub",
    "activity_id",
    "eldercare.activity",
    ("registered", "waitlisted"),
)


async def burst_kill_and_retry(
    platform: Platform,
    tokens: DevTokens,
    case: Case,
    create: Callable[[httpx.AsyncClient], Awaitable[tuple[int, str]]],
) -> tuple[dict[str, httpx.Response], Seats, dict[str, httpx.Response], Seats]:
    """Fires the burst, kills the service once `KILL_AFTER_ROWS` rows are committed, starts it
    again, retries everyone without a 201 with the same key; returns the first answers, the
    seats after the kill, the retries' answers and the final seats."""
    citizens = [f"sigkill-{case.service}-{n}" for n in range(BURST)]
    headers = {
        sub: {**tokens.headers(sub, "citizen"), "Idempotency-Key": f"seat-{sub}"}
        for sub in citizens
    }
    conn = await asyncpg.connect(asyncpg_dsn(platform.env[case.service]["DATABASE_URL"]))
    limits = httpx.Limits(max_connections=BURST + 10)
    try:
        async with httpx.AsyncClient(
            base_url=platform.gateway, timeout=60, limits=limits
        ) as client:
            record, path = await create(client)

            async def register(sub: str) -> httpx.Response:
                return await client.post(path, json={}, headers=headers[sub])

            pid = pid_listening_on(f"http://127.0.0.1:{platform.ports[case.service]}")
            burst = [asyncio.create_task(register(sub)) for sub in citizens]
            await eventually(
                lambda: case.seats(conn, record),
                lambda s: len(s.ids) >= KILL_AFTER_ROWS,
                pause=0,
            )
            os.kill(pid, signal.SIGKILL)
            first = dict(zip(citizens, await asyncio.gather(*burst), strict=True))

            # the killed service is started again on its port; the others never stopped
            platform.stop(case.service)
            platform.start(case.service)
            after_kill = await case.seats(conn, record)
            # the gateway passes requests to it again (its breaker closes by itself)
            await eventually(
                lambda: client.get(path.rsplit("/", 1)[0], headers=headers[citizens[0]]),
                lambda r: r.status_code == 200,
                within=60,
            )
            retried = {sub: await register(sub) for sub, r in first.items() if r.status_code != 201}
            final = await case.seats(conn, record)
    finally:
        await conn.close()

    statuses = Counter(r.status_code for r in first.values())
    assert 500 not in statuses and set(statuses) <= {201, 409, 502, 503, 504}, statuses
    # the kill came mid-burst: some registrations were acknowledged, some requests cut off
    assert 0 < statuses[201] < BURST and statuses[502] + statuses[503] + statuses[504] > 0
    acknowledged = {int(r.json()["id"]) for r in first.values() if r.status_code == 201}
    assert acknowledged <= after_kill.ids  # every 201 is in the database
    for seats in (after_kill, final):
        assert seats.counters == seats.rows  # counters equal rows
        assert set(seats.per_citizen.values()) <= {1}  # one registration per citizen
    replayed = sum(r.headers.get("idempotent-replayed") == "true" for r in retried.values())
    print(
        f"SIGKILL {case.service} mid-burst: {dict(statuses)}; after the kill rows "
        f"{after_kill.rows} = counters {after_kill.counters}; {len(retried)} retried "
        f"({replayed} replayed): {dict(Counter(r.status_code for r in retried.values()))}; "
        f"final rows {final.rows} = counters {final.counters}"
    )
    return first, after_kill, retried, final


def _in_a_month() -> str:
    return (city_today() + timedelta(days=30)).isoformat()


async def test_sigkill_mid_fair_burst_keeps_counter_equal_to_rows_and_every_201(
    platform: Platform, tokens: DevTokens
) -> None:
    async def fair(client: httpx.AsyncClient) -> tuple[int, str]:
        day = _in_a_month()
        body = fair_body(
            capacity=BURST + 50, starts_at=f"{day}T09:00:00+08:00", ends_at=f"{day}T16:00:00+08:00"
        )
        staff = tokens.headers("sigkill-jobs-staff", "jobs_staff")
        r = await client.post("/jobs/v1/fairs", json=body, headers=staff)
        assert r.status_code == 201, r.text
        return int(r.json()["id"]), f"/jobs/v1/fairs/{r.json()['id']}/registrations"

    _, _, retried, final = await burst_kill_and_retry(platform, tokens, FAIR, fair)

    assert {r.status_code for r in retried.values()} == {201}
    assert final.rows == final.counters == (BURST,)  # a seat each, counted once
    assert len(final.per_citizen) == BURST


async def test_sigkill_mid_class_burst_keeps_seat_and_waitlist_counters_equal_to_rows(
    platform: Platform, tokens: DevTokens
) -> None:
    capacity, waitlist = 120, 40  # 40 of the 200 meet a full class and waitlist

    async def session(client: httpx.AsyncClient) -> tuple[int, str]:
        community = (await client.get("/eldercare/v1/communities")).json()["items"][0]["id"]
        starts = datetime.now(UTC) + timedelta(days=30)
        body = {
            "title": "断电演练合唱班",
            "category": "singing",
            "community_id": community,
            "place": "社区活动室",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "capacity": capacity,
            "waitlist_capacity": waitlist,
        }
        staff = tokens.headers("sigkill-eldercare-staff", "eldercare_staff")
        r = await client.post("/eldercare/v1/activities", json=body, headers=staff)
        assert r.status_code == 201, r.text
        return int(r.json()["id"]), f"/eldercare/v1/activities/{r.json()['id']}/registrations"

    first, _, retried, final = await burst_kill_and_retry(platform, tokens, CLASS, session)

    answers = [*first.values(), *retried.values()]
    refused = [r for r in answers if r.status_code == 409]
    assert all(r.json()["code"] == "activity_full" for r in refused)
    assert {r.status_code for r in retried.values()} <= {201, 409}
    # the class and its waitlist filled exactly, each seat counted once
    assert final.rows == final.counters == (capacity, waitlist)
    assert len(final.per_citizen) == capacity + waitlist
