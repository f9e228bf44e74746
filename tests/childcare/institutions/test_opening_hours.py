"""An institution's opening hours as a week and `open_now` (issue 16 §3, like stations): set by
staff, answered in HH:MM, `open_now` computed at the request's city time and filterable; an
empty or overlapping interval is `422 invalid_hours`; no week given means `open_now: null`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI

from tests.childcare.factories import add_institution
from tests.fixtures.clock import pinned_clock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens

CITY = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=CITY)
MONDAY_19 = datetime(2026, 12, 7, 19, 0, tzinfo=CITY)
SATURDAY_10 = datetime(2026, 12, 12, 10, 0, tzinfo=CITY)
WEEKDAYS = [{"weekday": d, "opens": "07:30", "closes": "18:00"} for d in range(1, 6)]


def _body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "钟点托育园",
        "district": "赛罕区",
        "address": "赛罕区钟点路1号",
        "location": {"lat": 40.80, "lon": 111.73},
        "kind": "private",
        "capacity": 20,
        "monthly_fee_fen": 150_000,
        "min_age_months": 6,
        "max_age_months": 36,
        "opening_hours": "周一至周五 7:30-18:00",
        "weekly_hours": WEEKDAYS,
        "phone": "0471-1234567",
        **overrides,
    }


async def _ids(client: httpx.AsyncClient, **params: Any) -> set[int]:
    r = await client.get("/childcare/v1/institutions", params={"limit": 100, **params})
    assert r.status_code == 200, r.text
    return {i["id"] for i in r.json()["items"]}


async def test_open_now_follows_the_week_at_the_citys_time(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    staff = tokens.headers("hours-staff", "childcare_staff")
    unknown = await add_institution(childcare_app, name="无钟点托育园")
    with pinned_clock(childcare_app, MONDAY_10) as clock:
        created = await client.post("/childcare/v1/institutions", json=_body(), headers=staff)
        assert created.status_code == 201, created.text
        inst = created.json()
        url = f"/childcare/v1/institutions/{inst['id']}"
        monday = (await client.get(url)).json()
        open_ids = await _ids(client, open_now="true")
        clock.advance(hours=9)  # Monday 19:00
        evening = (await client.get(url)).json()
        closed_ids = await _ids(client, open_now="false")
        clock.advance(days=5, hours=-9)  # Saturday 10:00
        saturday = (await client.get(url)).json()
        no_week = (await client.get(f"/childcare/v1/institutions/{unknown.id}")).json()

    assert inst["weekly_hours"] == WEEKDAYS and inst["opening_hours"] == "周一至周五 7:30-18:00"
    assert (monday["open_now"], evening["open_now"], saturday["open_now"]) == (True, False, False)
    assert inst["id"] in open_ids and unknown.id not in open_ids
    assert inst["id"] in closed_ids and unknown.id not in closed_ids
    assert (no_week["weekly_hours"], no_week["open_now"]) == ([], None)


async def test_staff_change_the_week_and_bad_hours_are_refused(
    client: httpx.AsyncClient, tokens: DevTokens, childcare_app: FastAPI
) -> None:
    staff = tokens.headers("hours-staff-2", "childcare_staff")
    inst = (await client.post("/childcare/v1/institutions", json=_body(), headers=staff)).json()
    url = f"/childcare/v1/institutions/{inst['id']}"

    empty = await client.patch(
        url,
        json={"weekly_hours": [{"weekday": 1, "opens": "18:00", "closes": "07:30"}]},
        headers=staff,
    )
    overlap = await client.post(
        "/childcare/v1/institutions",
        json=_body(
            name="重叠托育园",
            weekly_hours=[
                {"weekday": 2, "opens": "07:30", "closes": "12:00"},
                {"weekday": 2, "opens": "11:00", "closes": "18:00"},
            ],
        ),
        headers=staff,
    )
    bad_time = await client.patch(
        url,
        json={"weekly_hours": [{"weekday": 8, "opens": "7:30", "closes": "18:00"}]},
        headers=staff,
    )
    with pinned_clock(childcare_app, SATURDAY_10):
        weekend = await client.patch(
            url,
            json={"weekly_hours": [{"weekday": 6, "opens": "09:00", "closes": "12:00"}]},
            headers=staff,
        )

    assert_problem(empty, 422, "invalid_hours")
    assert_problem(overlap, 422, "invalid_hours")
    assert_problem(bad_time, 422, "validation_error")
    assert weekend.status_code == 200, weekend.text
    assert weekend.json()["weekly_hours"] == [{"weekday": 6, "opens": "09:00", "closes": "12:00"}]
    assert weekend.json()["open_now"] is True
