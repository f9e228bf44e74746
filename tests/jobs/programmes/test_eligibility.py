"""The pre-screen through the API: a table of cases for each of the five programmes, the
five-year boundary in the city's time zone, missing facts as `needs_info`, and a graduate
registration deciding the facts it holds. Nothing is stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from common.state import service_context
from services.jobs.models import Application
from tests.fixtures.clock import pinned_clock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import BUYER, FOUNDER, RENTER

# 2026-06-30 12:00 in Hohhot
NOON_JUNE_30 = datetime(2026, 6, 30, 4, 0, tzinfo=UTC)


CASES: list[tuple[str, dict[str, Any], str, dict[str, str]]] = [
    # rent subsidy
    ("rent_subsidy", RENTER, "eligible", {}),
    (
        "rent_subsidy",
        {**RENTER, "owns_home_in_hohhot": True},
        "not_eligible",
        {"no_home_in_hohhot": "not_met"},
    ),
    (
        "rent_subsidy",
        {**RENTER, "degree": "associate"},
        "not_eligible",
        {"bachelor_or_above": "not_met"},
    ),
    (
        "rent_subsidy",
        {**RENTER, "graduation_date": "2020-06-01"},
        "not_eligible",
        {"graduated_within_5_years": "not_met"},
    ),
    (
        "rent_subsidy",
        {"degree": "master"},
        "needs_info",
        {
            "graduated_within_5_years": "needs_info",
            "works_in_hohhot": "needs_info",
            "no_home_in_hohhot": "needs_info",
            "bachelor_or_above": "met",
        },
    ),
    # home-purchase subsidy
    ("home_purchase_subsidy", BUYER, "eligible", {}),
    (
        "home_purchase_subsidy",
        {**BUYER, "first_home_in_hohhot": False},
        "not_eligible",
        {"first_home_in_hohhot": "not_met"},
    ),
    (
        "home_purchase_subsidy",
        {**BUYER, "works_in_hohhot": False, "first_home_in_hohhot": None},
        "not_eligible",
        {"works_in_hohhot": "not_met", "first_home_in_hohhot": "needs_info"},
    ),
    # startup guaranteed loan: within 5 years, the anniversary included
    ("startup_loan", {**FOUNDER, "graduation_date": "2021-06-30"}, "eligible", {}),
    (
        "startup_loan",
        {**FOUNDER, "graduation_date": "2021-06-29"},
        "not_eligible",
        {"graduated_within_5_years": "not_met"},
    ),
    (
        "startup_loan",
        {**FOUNDER, "business_registered_in_hohhot": False},
        "not_eligible",
        {"business_registered_in_hohhot": "not_met"},
    ),
    (
        "startup_loan",
        {},
        "needs_info",
        {"graduated_within_5_years": "needs_info", "business_registered_in_hohhot": "needs_info"},
    ),
    # one-time startup subsidy
    ("startup_subsidy", FOUNDER, "eligible", {}),
    (
        "startup_subsidy",
        {**FOUNDER, "business_age_months": 5},
        "not_eligible",
        {"operating_6_months": "not_met"},
    ),
    ("startup_subsidy", {**FOUNDER, "business_age_months": 6}, "eligible", {}),
    (
        "startup_subsidy",
        {**FOUNDER, "business_age_months": None},
        "needs_info",
        {"operating_6_months": "needs_info"},
    ),
    # tech-startup grant
    ("tech_startup_grant", FOUNDER, "eligible", {}),
    (
        "tech_startup_grant",
        {**FOUNDER, "tech_company": False},
        "not_eligible",
        {"tech_company": "not_met"},
    ),
    (
        "tech_startup_grant",
        {**FOUNDER, "graduation_date": "2027-07-01"},
        "not_eligible",
        {"graduated_within_5_years": "not_met"},
    ),
]


@pytest.mark.parametrize(("kind", "facts", "expected", "rules"), CASES)
async def test_prescreen_table(
    client: httpx.AsyncClient,
    jobs_app: FastAPI,
    tokens: DevTokens,
    programmes: dict[str, int],
    kind: str,
    facts: dict[str, Any],
    expected: str,
    rules: dict[str, str],
) -> None:
    stated = {k: v for k, v in facts.items() if v is not None}
    with pinned_clock(jobs_app, NOON_JUNE_30):
        r = await client.post(
            f"/jobs/v1/programmes/{programmes[kind]}/eligibility",
            json={"facts": stated},
            headers=tokens.headers("prescreen", "citizen"),
        )

    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["outcome"], body["eligible"]) == (expected, expected == "eligible")
    results = {x["rule_id"]: x["result"] for x in body["rules"]}
    for rule_id, result in rules.items():
        assert results[rule_id] == result
    if expected == "eligible":
        assert set(results.values()) == {"met"}
    assert all(x["reason"]["zh"] and x["reason"]["en"] for x in body["rules"])
    assert body["evaluated_on"] == "2026-06-30"
    assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # the fifth anniversary, in the first and last minute of the city's day
        (datetime(2026, 6, 29, 16, 1, tzinfo=UTC), "met"),  # 06-30 00:01 in Hohhot
        (datetime(2026, 6, 30, 15, 59, tzinfo=UTC), "met"),  # 06-30 23:59 in Hohhot
        # 07-01 00:30 in Hohhot is still 06-30 in UTC: the city's date decides
        (datetime(2026, 6, 30, 16, 30, tzinfo=UTC), "not_met"),
    ],
)
async def test_five_years_since_graduation_is_judged_on_the_citys_date(
    client: httpx.AsyncClient,
    jobs_app: FastAPI,
    tokens: DevTokens,
    programmes: dict[str, int],
    moment: datetime,
    expected: str,
) -> None:
    with pinned_clock(jobs_app, moment):
        r = await client.post(
            f"/jobs/v1/programmes/{programmes['startup_loan']}/eligibility",
            json={"facts": {**FOUNDER, "graduation_date": "2021-06-30"}},
            headers=tokens.headers("boundary", "citizen"),
        )

    results = {x["rule_id"]: x["result"] for x in r.json()["rules"]}
    assert results["graduated_within_5_years"] == expected


async def test_a_graduate_registration_decides_the_facts_it_holds(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, programmes: dict[str, int]
) -> None:
    wang = tokens.headers("wang", "citizen")
    with pinned_clock(jobs_app, NOON_JUNE_30):
        await client.post(
            "/jobs/v1/graduates",
            json={
                "university": "内蒙古财经大学",
                "degree": "associate",
                "graduation_date": "2024-07-01",
                "retention": "stayed",
                "employment_status": "employed",
                "district": "赛罕区",
            },
            headers=wang,
        )
        r = await client.post(
            f"/jobs/v1/programmes/{programmes['rent_subsidy']}/eligibility",
            json={"facts": {**RENTER, "degree": "doctorate"}},
            headers=wang,
        )

    body = r.json()
    assert body["outcome"] == "not_eligible"
    assert {x["rule_id"]: x["result"] for x in body["rules"]}["bachelor_or_above"] == "not_met"
    assert set(body["facts_from_graduate_record"]) >= {"degree", "graduation_date"}


async def test_the_prescreen_stores_nothing_and_needs_a_citizen(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, programmes: dict[str, int]
) -> None:
    url = f"/jobs/v1/programmes/{programmes['rent_subsidy']}/eligibility"

    ok = await client.post(url, json={"facts": RENTER}, headers=tokens.headers("a", "citizen"))
    anonymous = await client.post(url, json={"facts": RENTER})
    missing = await client.post(
        "/jobs/v1/programmes/987654/eligibility", json={}, headers=tokens.headers("a", "citizen")
    )
    unknown_fact = await client.post(
        url, json={"facts": {"salary": 1}}, headers=tokens.headers("a", "citizen")
    )

    assert ok.status_code == 200
    assert_problem(anonymous, 401, "unauthenticated")
    assert_problem(missing, 404, "programme_not_found")
    assert_problem(unknown_fact, 422, "validation_error")
    async with service_context(jobs_app).database.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Application)) == 0
