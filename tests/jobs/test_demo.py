"""The demo data reproduces the docs/FACTS.md [demo] figures of 青有所为 through the API, and gives
the demo citizen a full jobs section."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import httpx
from fastapi import FastAPI

from common.clock import CITY_TZ
from common.demo import DEMO_CITIZEN
from common.state import service_context
from gateway.clients.jobs import JobsStats, JobsSummary
from services.jobs.seed import seed
from tests.fixtures.tokens import DevTokens


async def _all(
    client: httpx.AsyncClient, path: str, headers: dict[str, str] | None = None, **params: Any
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {**params, "limit": 100}
    while True:
        body = (await client.get(path, params=query, headers=headers)).json()
        items.extend(body["items"])
        if body["next_cursor"] is None:
            return items
        query["cursor"] = body["next_cursor"]


async def test_31700_plus_graduates_retained_by_end_of_november_2022(
    seeded: httpx.AsyncClient,
) -> None:
    body = (await seeded.get("/jobs/v1/retention")).json()

    [report] = body["historical"]
    assert (report["year"], report["as_of_date"]) == (2022, "2022-11-30")
    assert 31_700 <= report["graduates"] < 31_800
    year_2022 = next(y for y in body["by_year"] if y["year"] == 2022)
    assert year_2022["total"] == year_2022["historical"] == report["graduates"]
    assert body["target"] == 100_000
    assert body["total"] > report["graduates"]  # live registrations since add to it
    assert all(y["registered"] > 0 for y in body["by_year"] if y["year"] > 2022)


async def test_the_2023_06_10_fair_is_there_and_upcoming_fairs_take_registrations(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    past = await _all(seeded, "/jobs/v1/fairs", when="past")
    upcoming = await _all(seeded, "/jobs/v1/fairs", when="upcoming")

    june_10 = [f for f in past if f["starts_at"].startswith("2023-06-10")]
    assert len(june_10) == 1 and "十万大学生留呼" in june_10[0]["name"]
    assert june_10[0]["positions"] > 0 and june_10[0]["status"] == "past"
    assert len(upcoming) >= 2
    r = await seeded.post(
        f"/jobs/v1/fairs/{upcoming[-1]['id']}/registrations",
        headers=tokens.headers("demo-visitor", "citizen"),
    )
    assert r.status_code == 201, r.text


async def test_about_700_people_were_paid_rent_or_purchase_subsidies(
    seeded: httpx.AsyncClient,
) -> None:
    stats = (await seeded.get("/jobs/v1/stats")).json()
    programmes = {p["kind"]: p for p in await _all(seeded, "/jobs/v1/programmes")}

    assert 700 <= stats["totals"]["housing_subsidy_recipients"] < 710
    paid = (
        programmes["rent_subsidy"]["disbursements"]
        + programmes["home_purchase_subsidy"]["disbursements"]
    )
    assert paid == stats["totals"]["housing_subsidy_recipients"]
    assert set(programmes) == {
        "rent_subsidy",
        "home_purchase_subsidy",
        "startup_loan",
        "startup_subsidy",
        "tech_startup_grant",
    }
    loan, grant = programmes["startup_loan"], programmes["tech_startup_grant"]
    assert (loan["award_kind"], loan["amount_fen"]) == ("up_to", 500_000 * 100)
    assert grant["amount_fen"] == 200_000 * 100
    for programme in (loan, programmes["startup_subsidy"]):
        within = [r for r in programme["rules"] if r["fact"] == "graduation_date"]
        assert [(r["op"], r["value"]) for r in within] == [("within_years", 5)]
    assert all(p["committed_fen"] <= p["budget_fen"] for p in programmes.values())
    JobsStats.model_validate(stats)


async def test_every_demo_award_met_every_rule_of_its_programme(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("demo-auditor", "jobs_staff")
    awards = [
        a
        for status in ("approved", "disbursed")
        for a in await _all(seeded, "/jobs/v1/applications", headers=staff, status=status)
        if a["citizen_sub"] == DEMO_CITIZEN or a["citizen_sub"].startswith("demo-recipient-")
    ]

    assert Counter(a["status"] for a in awards) == {"disbursed": 703, "approved": 1}
    for award in awards:
        assert len(award["rules"]) == 4
        not_met = [r["rule_id"] for r in award["rules"] if r["result"] != "met"]
        assert not_met == [], (award["citizen_sub"], award["facts"], award["applied_at"])
        assert award["facts"]["graduation_date"] <= award["applied_at"][:10]


async def test_no_demo_graduate_graduates_after_registering(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    retention = (await seeded.get("/jobs/v1/retention")).json()
    subs = [DEMO_CITIZEN, *(f"demo-graduate-{n:04d}" for n in range(1, 241))]

    records = []
    for sub in subs:  # each registration is read by its own citizen, the only reader it has
        r = await seeded.get("/jobs/v1/graduates/me", headers=tokens.headers(sub, "citizen"))
        assert r.status_code == 200, (sub, r.text)
        records.append(r.json())

    assert len(records) == sum(y["registered"] for y in retention["by_year"])
    for record in records:
        registered_on = datetime.fromisoformat(record["registered_at"]).astimezone(CITY_TZ)
        assert record["graduation_date"] <= registered_on.date().isoformat(), record


async def test_at_least_140_stations_with_check_ins_and_open_postings(
    seeded: httpx.AsyncClient,
) -> None:
    stats = (await seeded.get("/jobs/v1/stats")).json()
    postings = await _all(seeded, "/jobs/v1/postings")

    assert stats["totals"]["stations"] >= 140
    assert stats["totals"]["check_ins"] > 0
    assert len(postings) == stats["totals"]["postings"] > 100
    assert any(p["graduate_friendly"] for p in postings)
    assert all(row["stations"] > 0 for row in stats["by_district"])


async def test_the_demo_citizen_has_a_full_jobs_section(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    r = await seeded.get("/jobs/v1/me/summary", headers=tokens.headers(DEMO_CITIZEN, "citizen"))

    summary = JobsSummary.model_validate(r.json())
    assert summary.graduate is not None and summary.graduate.university == "内蒙古财经大学"
    assert [a.status.value for a in summary.applications] == ["approved"]
    assert len(summary.fair_registrations) == 2
    assert any(f.starts_at.date().isoformat() == "2023-06-10" for f in summary.fair_registrations)


async def test_seeding_twice_inserts_nothing_more(
    seeded: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    async with service_context(jobs_app).database.sessionmaker() as session:
        assert await seed(session) is False


async def test_every_demo_posting_says_what_it_is_whom_to_ask_and_where(
    seeded: httpx.AsyncClient,
) -> None:
    postings = await _all(seeded, "/jobs/v1/postings", coord_sys="gcj02")
    fairs = await _all(seeded, "/jobs/v1/fairs")

    assert postings
    for posting in postings:
        assert posting["description"] and posting["title"] in posting["description"]
        assert posting["contact"]["phone"] and posting["contact"]["email"]
        assert posting["how_to_apply"] and posting["address"].startswith(posting["district"])
        assert posting["location"]["coord_sys"] == "gcj02"
    assert all(f["location"] is not None for f in fairs)
