"""DESIGN §2 "Times and dates" in jobs: an integer is not a date, a time without an offset is city
time, implausible dates are refused."""

from __future__ import annotations

from datetime import datetime

import httpx

from common.clock import CITY_TZ
from services.jobs.demo_programmes import RENT_SUBSIDY
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import created, fair_body

GRADUATE = {
    "university": "内蒙古大学",
    "degree": "bachelor",
    "retention": "stayed",
    "employment_status": "employed",
    "district": "赛罕区",
}


async def test_integers_and_implausible_dates_are_refused(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("dates-staff", "jobs_staff")
    citizen = tokens.headers("dates-1", "citizen")
    rent = await created(await client.post("/jobs/v1/programmes", json=RENT_SUBSIDY, headers=staff))
    url = f"/jobs/v1/programmes/{rent['id']}/eligibility"

    zero = await client.post(url, json={"facts": {"graduation_date": 0}}, headers=citizen)
    stamp = await client.post(
        "/jobs/v1/graduates",
        json={**GRADUATE, "graduation_date": "1764547200"},
        headers=citizen,
    )
    ancient = await client.post(
        "/jobs/v1/graduates", json={**GRADUATE, "graduation_date": "0001-07-01"}, headers=citizen
    )

    for refused in (zero, stamp):
        assert assert_problem(refused, 422, "validation_error")["errors"], refused.text
    assert_problem(ancient, 422, "graduation_date_out_of_range")  # the service's own range rule


async def test_a_fair_time_without_an_offset_is_city_time(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("dates-staff", "jobs_staff")
    body = fair_body(starts_at="2026-06-20T09:00:00", ends_at="2026-06-20T16:00:00")

    fair = await created(await client.post("/jobs/v1/fairs", json=body, headers=staff))

    # the same instants as 09:00 and 16:00 in Hohhot (jobs answers in UTC)
    assert datetime.fromisoformat(fair["starts_at"]) == datetime(2026, 6, 20, 9, tzinfo=CITY_TZ)
    assert datetime.fromisoformat(fair["ends_at"]) == datetime(2026, 6, 20, 16, tzinfo=CITY_TZ)
