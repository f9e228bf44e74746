"""`GET /jobs/v1/stats` and `GET /jobs/v1/me/summary` as the gateway reads them (DESIGN §6):
validated by the gateway's own mirror models (gateway/clients/jobs.py), every district once and
in order, figures that follow the records."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from common.districts import District
from gateway.clients.jobs import JobsStats, JobsSummary
from services.jobs.demo_programmes import RENT_SUBSIDY
from services.jobs.models import Graduate
from tests.fixtures.clients import committing_client
from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import GRADUATE, RENTER, add_fair, add_station, created

NOW = datetime(2026, 6, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


async def test_empty_stats_list_every_district_in_order_with_zeros(
    client: httpx.AsyncClient, clock: MovableClock
) -> None:
    r = await client.get("/jobs/v1/stats")

    assert r.status_code == 200
    stats = JobsStats.model_validate(r.json())
    assert [row.district for row in stats.by_district] == list(District)
    assert all(
        (row.postings, row.fairs, row.stations, row.check_ins, row.graduates, row.awards)
        == (0, 0, 0, 0, 0, 0)
        for row in stats.by_district
    )
    assert r.json()["totals"]["graduates_target"] == 100_000


async def test_stats_follow_the_records(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    station = await add_station(jobs_app, district="赛罕区")
    await add_station(jobs_app, district="新城区", lat=40.86, lon=111.69)
    for worker in ("courier", "courier", "ride_hailing"):
        await client.post(f"/jobs/v1/stations/{station.id}/check-ins", json={"worker_type": worker})
    await add_fair(jobs_app, starts_at=NOW + timedelta(days=3), district="回民区")
    await add_fair(jobs_app, starts_at=NOW - timedelta(days=3), district="回民区")
    posting = {
        "employer": "测试公司",
        "title": "会计",
        "category": "finance",
        "district": "玉泉区",
        "salary_min_fen": 1,
        "salary_max_fen": 2,
        "education": "none",
        "expires_at": (NOW + timedelta(days=1)).isoformat(),
    }
    await created(await client.post("/jobs/v1/postings", json=posting, headers=staff))
    alice = tokens.headers("alice", "citizen")
    await created(await client.post("/jobs/v1/graduates", json=GRADUATE, headers=alice))
    rent = (await client.post("/jobs/v1/programmes", json=RENT_SUBSIDY, headers=staff)).json()
    application = await created(
        await client.post(
            "/jobs/v1/applications",
            json={"programme_id": rent["id"], "facts": {**RENTER}},
            headers=alice,
        )
    )
    await client.post(f"/jobs/v1/applications/{application['id']}/approve", headers=staff)
    await client.post(f"/jobs/v1/applications/{application['id']}/disburse", headers=staff)

    body = (await client.get("/jobs/v1/stats")).json()
    rows = {row["district"]: row for row in body["by_district"]}

    assert (rows["赛罕区"]["stations"], rows["赛罕区"]["check_ins"]) == (1, 3)
    assert rows["赛罕区"]["check_ins_by_worker_type"]["courier"] == 2
    assert (rows["赛罕区"]["graduates"], rows["赛罕区"]["awards"]) == (1, 1)  # district: record
    assert rows["回民区"]["fairs"] == 1  # the past one is not counted
    assert rows["玉泉区"]["postings"] == 1
    totals = body["totals"]
    assert (totals["stations"], totals["check_ins"], totals["awards"]) == (2, 3, 1)
    assert (totals["committed_fen"], totals["disbursed_fen"]) == (600_000, 600_000)
    assert totals["housing_subsidy_recipients"] == 1
    assert body["programmes"][0]["disbursements"] == 1
    clock.advance(days=2)
    later = (await client.get("/jobs/v1/stats")).json()
    assert {r["district"]: r for r in later["by_district"]}["玉泉区"]["postings"] == 0


async def test_me_summary_matches_the_gateways_mirror(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    alice = tokens.headers("alice", "citizen")
    empty = (await client.get("/jobs/v1/me/summary", headers=alice)).json()
    await created(await client.post("/jobs/v1/graduates", json=GRADUATE, headers=alice))
    rent = (await client.post("/jobs/v1/programmes", json=RENT_SUBSIDY, headers=staff)).json()
    await created(
        await client.post(
            "/jobs/v1/applications",
            json={"programme_id": rent["id"], "facts": RENTER},
            headers=alice,
        )
    )
    fair = await add_fair(jobs_app, starts_at=NOW + timedelta(days=2))
    await created(await client.post(f"/jobs/v1/fairs/{fair.id}/registrations", headers=alice))

    r = await client.get("/jobs/v1/me/summary", headers=alice)
    other = await client.get("/jobs/v1/me/summary", headers=tokens.headers("bob", "citizen"))

    assert empty == {"graduate": None, "applications": [], "fair_registrations": []}
    summary = JobsSummary.model_validate(r.json())
    assert summary.graduate is not None and summary.graduate.university == "内蒙古财经大学"
    assert [(a.programme_name, a.status.value) for a in summary.applications] == [
        ("高校毕业生租房补贴", "pending")
    ]
    assert summary.applications[0].amount_fen == 600_000
    assert [(f.fair_name, f.status.value) for f in summary.fair_registrations] == [
        ("测试招聘会", "registered")
    ]
    assert set(r.json()["applications"][0]) == {
        "id",
        "programme_id",
        "programme_name",
        "status",
        "amount_fen",
        "applied_at",
        "decided_at",
        "decision_note",
        "payment_reference",
    }
    assert other.json() == empty
    assert r.headers["cache-control"] == "no-store"
    assert (await client.get("/jobs/v1/me/summary")).status_code == 401


async def test_unchanged_stats_keep_their_etag_until_something_changes(
    client: httpx.AsyncClient, jobs_app: FastAPI, clock: MovableClock
) -> None:
    station = await add_station(jobs_app)
    await client.post(f"/jobs/v1/stations/{station.id}/check-ins", json={"worker_type": "other"})
    first = await client.get("/jobs/v1/stats")
    clock.advance(minutes=5)
    second = await client.get("/jobs/v1/stats")
    cached = await client.get("/jobs/v1/stats", headers={"If-None-Match": first.headers["etag"]})
    progress = [(await client.get("/jobs/v1/retention")).headers["etag"] for _ in range(2)]
    await client.post(f"/jobs/v1/stations/{station.id}/check-ins", json={"worker_type": "other"})
    changed = await client.get("/jobs/v1/stats")

    assert first.headers["etag"] == second.headers["etag"]
    assert cached.status_code == 304
    assert progress[0] == progress[1]
    assert changed.headers["etag"] != first.headers["etag"]
    assert changed.json()["as_of"] >= first.json()["as_of"]


async def test_a_graduate_moving_district_moves_the_figures_and_their_as_of(
    jobs_app: FastAPI, tokens: DevTokens
) -> None:
    """Committed for real (each request its own transaction and `now()`): the change of district
    used to leave `as_of` where it was, so caches kept the old figures."""
    who = "as-of-mover"

    async def cleanup(session: AsyncSession) -> None:
        await session.execute(delete(Graduate).where(Graduate.citizen_sub == who))

    async with committing_client(jobs_app, cleanup) as client:
        mover = tokens.headers(who, "citizen")
        await created(await client.post("/jobs/v1/graduates", json=GRADUATE, headers=mover))
        before = (await client.get("/jobs/v1/stats")).json()
        moved = await client.patch(
            "/jobs/v1/graduates/me", json={"district": "回民区"}, headers=mover
        )
        after = (await client.get("/jobs/v1/stats")).json()

    assert moved.status_code == 200, moved.text
    count = {r["district"]: r["graduates"] for r in before["by_district"]}
    now = {r["district"]: r["graduates"] for r in after["by_district"]}
    assert (now["赛罕区"], now["回民区"]) == (count["赛罕区"] - 1, count["回民区"] + 1)
    assert after["as_of"] > before["as_of"]
