"""What a seeker needs to act on a posting (issue 16 §3): whom to ask, how to apply, where the
work is — a map point in the caller's coordinate system, like institutions and stations — and,
in the demo, a description on every posting; a fair's venue as a map point."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from common.geo import haversine_m, wgs84_to_gcj02
from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
SAIHAN = (40.8093, 111.6816)  # WGS-84, 内蒙古大学
CONTACT = {"name": "王女士", "phone": "0471-4992000", "email": "hr@qingcheng.example.cn"}


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


def _posting(**overrides: Any) -> dict[str, Any]:
    return {
        "employer": "呼和浩特青城软件有限公司",
        "title": "Java开发工程师",
        "category": "technology",
        "district": "赛罕区",
        "salary_min_fen": 600_000,
        "salary_max_fen": 900_000,
        "education": "bachelor",
        "expires_at": (NOW + timedelta(days=30)).isoformat(),
        **overrides,
    }


async def test_a_posting_carries_contact_how_to_apply_and_a_gcj02_point(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("details-staff", "jobs_staff")
    gcj = wgs84_to_gcj02(*SAIHAN)
    body = _posting(
        contact=CONTACT,
        how_to_apply="简历发送至 hr@qingcheng.example.cn，注明应聘岗位。",
        apply_url="https://qingcheng.example.cn/jobs/42",
        address="赛罕区大学西路235号",
        location={"lat": gcj[0], "lon": gcj[1]},
        coord_sys="gcj02",
    )

    created = await client.post("/jobs/v1/postings", json=body, headers=staff)

    assert created.status_code == 201, created.text
    posting = created.json()
    assert posting["contact"] == CONTACT
    assert posting["how_to_apply"] == body["how_to_apply"]
    assert posting["apply_url"] == "https://qingcheng.example.cn/jobs/42"
    assert posting["address"] == "赛罕区大学西路235号"
    shown = posting["location"]
    assert shown["coord_sys"] == "gcj02" and haversine_m(shown["lat"], shown["lon"], *gcj) < 0.5
    url = f"/jobs/v1/postings/{posting['id']}"
    wgs = (await client.get(url)).json()["location"]
    assert wgs["coord_sys"] == "wgs84" and haversine_m(wgs["lat"], wgs["lon"], *SAIHAN) < 0.5
    again = (await client.get(url, params={"coord_sys": "gcj02"})).json()["location"]
    assert haversine_m(again["lat"], again["lon"], *gcj) < 0.5
    [listed] = (await client.get("/jobs/v1/postings", params={"coord_sys": "gcj02"})).json()[
        "items"
    ]
    assert listed["location"] == again and listed["contact"] == CONTACT

    cleared = await client.patch(
        url, json={"contact": None, "location": None, "apply_url": None}, headers=staff
    )
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["contact"], cleared.json()["location"]) == (None, None)
    assert cleared.json()["apply_url"] is None
    assert cleared.json()["how_to_apply"] == body["how_to_apply"]


async def test_a_point_outside_its_district_or_in_two_systems_is_refused(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("details-staff-2", "jobs_staff")

    outside = await client.post(
        "/jobs/v1/postings",
        json=_posting(location={"lat": 39.9, "lon": 116.4}),
        headers=staff,
    )
    conflicting = await client.post(
        "/jobs/v1/postings",
        params={"coord_sys": "bd09"},
        json=_posting(location={"lat": SAIHAN[0], "lon": SAIHAN[1]}, coord_sys="gcj02"),
        headers=staff,
    )
    bad_email = await client.post(
        "/jobs/v1/postings", json=_posting(contact={"email": "not-an-address"}), headers=staff
    )
    bad_url = await client.post(
        "/jobs/v1/postings", json=_posting(apply_url="javascript:alert(1)"), headers=staff
    )
    plain = await client.post("/jobs/v1/postings", json=_posting(), headers=staff)
    moved = await client.patch(
        f"/jobs/v1/postings/{plain.json()['id']}",
        json={"location": {"lat": SAIHAN[0], "lon": SAIHAN[1]}, "district": "武川县"},
        headers=staff,
    )

    assert_problem(outside, 422, "location_outside_district")
    assert_problem(conflicting, 422, "conflicting_coord_sys")
    assert_problem(bad_email, 422, "validation_error")
    assert_problem(bad_url, 422, "validation_error")
    assert plain.json()["location"] is None and plain.json()["contact"] is None
    assert_problem(moved, 422, "location_outside_district")


async def test_a_fair_has_its_venue_as_a_map_point(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("details-fair-staff", "jobs_staff")
    gcj = wgs84_to_gcj02(*SAIHAN)
    body = {
        "name": "高校毕业生专场招聘会",
        "starts_at": (NOW + timedelta(days=10)).isoformat(),
        "ends_at": (NOW + timedelta(days=10, hours=6)).isoformat(),
        "venue": "内蒙古大学体育馆",
        "address": "赛罕区大学西路235号",
        "district": "saihan",
        "location": {"lat": gcj[0], "lon": gcj[1]},
        "coord_sys": "gcj02",
        "capacity": 800,
    }

    created = await client.post("/jobs/v1/fairs", json=body, headers=staff)
    outside = await client.patch(
        f"/jobs/v1/fairs/{created.json()['id']}",
        json={"location": {"lat": 39.9, "lon": 116.4}},
        headers=staff,
    )

    assert created.status_code == 201, created.text
    assert created.json()["district"] == "赛罕区"
    shown = created.json()["location"]
    assert shown["coord_sys"] == "gcj02" and haversine_m(shown["lat"], shown["lon"], *gcj) < 0.5
    wgs = (await client.get(f"/jobs/v1/fairs/{created.json()['id']}")).json()["location"]
    assert haversine_m(wgs["lat"], wgs["lon"], *SAIHAN) < 0.5
    assert_problem(outside, 422, "location_outside_district")
