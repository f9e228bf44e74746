"""Every creating POST of the jobs service honours `Idempotency-Key`: a retry replays the first
answer (one effect), the key with another body is 422, and a request while the key is in flight
elsewhere is 409."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from common.state import service_context
from services.jobs.demo_programmes import RENT_SUBSIDY
from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import GRADUATE, RENTER, add_fair, add_station, station_body

NOW = datetime(2026, 6, 30, 4, 0, tzinfo=UTC)
STAFF, CITIZEN, ANONYMOUS = "idem-staff", "idem-citizen", "anonymous"


@dataclass
class Ctx:
    app: FastAPI
    client: httpx.AsyncClient
    staff: dict[str, str]


Request = Callable[[Ctx], Awaitable[tuple[str, Any]]]


@dataclass
class Case:
    """A creating POST: who calls, and two different requests (path, body) to it."""

    caller: str
    first: Request
    other: Request


def posting(title: str) -> dict[str, Any]:
    return {
        "employer": "幂等测试公司",
        "title": title,
        "category": "finance",
        "district": "玉泉区",
        "salary_min_fen": 1,
        "salary_max_fen": 2,
        "education": "none",
        "expires_at": (NOW + timedelta(days=9)).isoformat(),
    }


def fair(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "starts_at": "2026-07-20T09:00:00+08:00",
        "ends_at": "2026-07-20T16:00:00+08:00",
        "venue": "会展中心",
        "address": "赛罕区展览路1号",
        "district": "赛罕区",
        "capacity": 10,
    }


async def _fair_url(ctx: Ctx) -> tuple[str, Any]:
    created = await add_fair(ctx.app, starts_at=NOW + timedelta(days=5))
    return f"/jobs/v1/fairs/{created.id}/registrations", None


async def _check_in_url(ctx: Ctx) -> str:
    return f"/jobs/v1/stations/{(await add_station(ctx.app)).id}/check-ins"


async def _programme(ctx: Ctx) -> int:
    r = await ctx.client.post("/jobs/v1/programmes", json=RENT_SUBSIDY, headers=ctx.staff)
    return int(r.json()["id"])


def fixed(path: str, body: Any) -> Request:
    async def make(_: Ctx) -> tuple[str, Any]:
        return path, body

    return make


async def _check_in(ctx: Ctx) -> tuple[str, Any]:
    return await _check_in_url(ctx), {"worker_type": "courier"}


async def _check_in_other(ctx: Ctx) -> tuple[str, Any]:
    return await _check_in_url(ctx), {"worker_type": "truck_driver"}


async def _application(ctx: Ctx) -> tuple[str, Any]:
    return "/jobs/v1/applications", {"programme_id": await _programme(ctx), "facts": RENTER}


async def _application_other(ctx: Ctx) -> tuple[str, Any]:
    body = {"programme_id": await _programme(ctx), "facts": {**RENTER, "age_years": 30}}
    return "/jobs/v1/applications", body


CASES = {
    "postings": Case(
        STAFF,
        fixed("/jobs/v1/postings", posting("会计")),
        fixed("/jobs/v1/postings", posting("出纳")),
    ),
    "fairs": Case(STAFF, fixed("/jobs/v1/fairs", fair("甲")), fixed("/jobs/v1/fairs", fair("乙"))),
    "fair registrations": Case(CITIZEN, _fair_url, _fair_url),
    "graduates": Case(
        CITIZEN,
        fixed("/jobs/v1/graduates", GRADUATE),
        fixed("/jobs/v1/graduates", {**GRADUATE, "retention": "came"}),
    ),
    "programmes": Case(
        STAFF,
        fixed("/jobs/v1/programmes", RENT_SUBSIDY),
        fixed("/jobs/v1/programmes", {**RENT_SUBSIDY, "name": "另一个"}),
    ),
    "applications": Case(CITIZEN, _application, _application_other),
    "stations": Case(
        STAFF,
        fixed("/jobs/v1/stations", station_body(exceptions=[])),
        fixed("/jobs/v1/stations", station_body(exceptions=[], name="另一个站")),
    ),
    "check-ins": Case(ANONYMOUS, _check_in, _check_in_other),
}


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


def _headers(tokens: DevTokens, caller: str, key: str) -> dict[str, str]:
    headers = {"Idempotency-Key": key}
    if caller == STAFF:
        headers.update(tokens.headers(STAFF, "jobs_staff"))
    elif caller == CITIZEN:
        headers.update(tokens.headers(CITIZEN, "citizen"))
    return headers


async def _post(
    client: httpx.AsyncClient, path: str, body: Any, headers: dict[str, str]
) -> httpx.Response:
    if body is None:
        return await client.post(path, headers=headers)
    return await client.post(path, json=body, headers=headers)


@pytest.mark.parametrize("name", list(CASES))
async def test_replay_other_body_and_in_flight(
    client: httpx.AsyncClient,
    jobs_app: FastAPI,
    tokens: DevTokens,
    clock: MovableClock,
    name: str,
) -> None:
    case = CASES[name]
    ctx = Ctx(jobs_app, client, tokens.headers("idem-setup", "jobs_staff"))
    headers = _headers(tokens, case.caller, f"key-{name.replace(' ', '-')}")
    path, body = await case.first(ctx)
    other_path, other_body = await case.other(ctx)

    first = await _post(client, path, body, headers)
    again = await _post(client, path, body, headers)
    different = await _post(client, other_path, other_body, headers)
    lock_key = f"jobs:{case.caller}:{headers['Idempotency-Key']}-busy"
    async with service_context(jobs_app).database.engine.connect() as elsewhere:
        await elsewhere.execute(
            text("SELECT pg_advisory_lock(hashtextextended(:k, 0))"), {"k": lock_key}
        )
        busy = await _post(
            client, path, body, {**headers, "Idempotency-Key": f"{headers['Idempotency-Key']}-busy"}
        )
        await elsewhere.execute(
            text("SELECT pg_advisory_unlock(hashtextextended(:k, 0))"), {"k": lock_key}
        )

    assert first.status_code == 201, first.text
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert_problem(different, 422, "idempotency_key_reused")
    assert_problem(busy, 409, "idempotency_in_flight")
