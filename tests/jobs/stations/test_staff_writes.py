"""Staff create and update stations with hours and holiday exceptions; the rules of a schedule
that has one answer to "open now"; a place inside its district."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from common.geo import haversine_m, wgs84_to_gcj02
from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import WEDNESDAY_NOON, station_body

# Wednesday 2026-06-10, 12:00 in Hohhot


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, WEDNESDAY_NOON) as moving:
        yield moving


async def test_staff_create_a_station_that_reads_back_with_hours_and_open_now(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")

    r = await client.post("/jobs/v1/stations", json=station_body(), headers=staff)

    assert r.status_code == 201, r.text
    created = r.json()
    read = (await client.get(f"/jobs/v1/stations/{created['id']}")).json()
    assert read == created
    assert created["amenities"] == ["hot_water", "phone_charging", "wifi"]
    assert len(created["opening_hours"]) == 7
    assert created["open_now"] is False  # closed today by the exception
    assert [e["date"] for e in created["exceptions"]] == ["2026-06-10"]  # the past one hidden
    clock.advance(days=1)
    assert (await client.get(f"/jobs/v1/stations/{created['id']}")).json()["open_now"] is True


async def test_a_gcj02_location_is_stored_as_wgs84_and_answered_in_gcj02(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    glat, glon = wgs84_to_gcj02(40.80, 111.73)

    r = await client.post(
        "/jobs/v1/stations",
        params={"coord_sys": "gcj02"},
        json=station_body(location={"lat": glat, "lon": glon}),
        headers=staff,
    )
    wgs = (await client.get(f"/jobs/v1/stations/{r.json()['id']}")).json()["location"]

    assert r.json()["location"]["coord_sys"] == "gcj02"
    assert haversine_m(wgs["lat"], wgs["lon"], 40.80, 111.73) < 0.5


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"opening_hours": [{"weekday": 1, "opens": "20:00", "closes": "08:00"}]}, "invalid_hours"),
        (
            {
                "opening_hours": [
                    {"weekday": 1, "opens": "08:00", "closes": "12:00"},
                    {"weekday": 1, "opens": "11:00", "closes": "18:00"},
                ]
            },
            "invalid_hours",
        ),
        (
            {"exceptions": [{"date": "2026-07-01", "closed": True, "opens": "08:00"}]},
            "invalid_exception",
        ),
        ({"exceptions": [{"date": "2026-07-01", "closed": False}]}, "invalid_exception"),
        (
            {
                "exceptions": [
                    {"date": "2026-07-01", "closed": True},
                    {"date": "2026-07-01", "closed": True},
                ]
            },
            "invalid_exception",
        ),
        ({"location": {"lat": 40.0, "lon": 111.0}}, "location_outside_district"),
    ],
)
async def test_a_schedule_without_one_answer_or_a_place_outside_the_district_is_refused(
    client: httpx.AsyncClient, tokens: DevTokens, overrides: dict[str, Any], code: str
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")

    r = await client.post("/jobs/v1/stations", json=station_body(**overrides), headers=staff)

    assert_problem(r, 422, code)
    listed = (await client.get("/jobs/v1/stations", params={"district": "赛罕区"})).json()
    assert listed["items"] == []  # nothing half-written


async def test_patch_replaces_hours_and_exceptions_and_keeps_the_rest(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    created = (await client.post("/jobs/v1/stations", json=station_body(), headers=staff)).json()

    r = await client.patch(
        f"/jobs/v1/stations/{created['id']}",
        json={
            "opening_hours": [{"weekday": 3, "opens": "00:00", "closes": "24:00"}],
            "exceptions": [],
            "phone": None,
        },
        headers=staff,
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["opening_hours"] == [{"weekday": 3, "opens": "00:00", "closes": "24:00"}]
    assert body["exceptions"] == [] and body["phone"] is None
    assert body["open_now"] is True
    assert body["name"] == created["name"] and body["amenities"] == created["amenities"]
    moved = await client.patch(
        f"/jobs/v1/stations/{created['id']}", json={"district": "武川县"}, headers=staff
    )
    assert_problem(moved, 422, "location_outside_district")


async def test_station_writes_need_jobs_staff(client: httpx.AsyncClient, tokens: DevTokens) -> None:
    citizen = tokens.headers("citizen-1", "citizen")

    anonymous = await client.post("/jobs/v1/stations", json=station_body())
    as_citizen = await client.post("/jobs/v1/stations", json=station_body(), headers=citizen)
    patch_missing = await client.patch(
        "/jobs/v1/stations/987654",
        json={"name": "x"},
        headers=tokens.headers("jobs-staff", "jobs_staff"),
    )

    assert_problem(anonymous, 401, "unauthenticated")
    assert_problem(as_citizen, 403, "forbidden")
    assert_problem(patch_missing, 404, "station_not_found")
