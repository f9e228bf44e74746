"""DESIGN §2 "Times and dates" in eldercare: a time without an offset is city time (it used to be
a 500: naive against aware), an integer is not a date, implausible dates are refused."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI

from common.clock import city_today
from tests.eldercare.factories import add_community, create_elder, elder_body
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


def _day(days: int) -> str:
    return (city_today() + timedelta(days=days)).isoformat()


async def test_a_class_time_without_an_offset_is_city_time(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    home = await add_community(eldercare_app)
    staff = tokens.headers("times-1", "eldercare_staff")
    body = {
        "title": "书法班",
        "category": "calligraphy",
        "community_id": home.id,
        "place": "活动中心",
        "starts_at": f"{_day(3)}T09:00:00",
        "ends_at": f"{_day(3)}T11:00:00",
        "capacity": 10,
        "waitlist_capacity": 0,
    }

    created = await client.post("/eldercare/v1/activities", json=body, headers=staff)
    listed = await client.get(
        "/eldercare/v1/activities",
        params={"from": f"{_day(3)}T08:00:00", "until": f"{_day(3)}T10:00:00"},
    )

    assert created.status_code == 201, created.text
    assert created.json()["starts_at"] == f"{_day(3)}T09:00:00+08:00"
    assert created.json()["ends_at"] == f"{_day(3)}T11:00:00+08:00"
    assert listed.status_code == 200, listed.text
    assert [a["id"] for a in listed.json()["items"]] == [created.json()["id"]]


async def test_numbers_and_implausible_dates_are_refused(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    family = tokens.headers("times-2", "citizen")
    community = await add_community(eldercare_app)
    number = await client.post(
        "/eldercare/v1/elders",
        json=elder_body(community_id=community.id, birth_date=-631152000),
        headers=family,
    )
    ancient = await client.post(
        "/eldercare/v1/elders",
        json=elder_body(community_id=community.id, birth_date="0001-01-01"),
        headers=family,
    )
    unborn = await client.post(
        "/eldercare/v1/elders",
        json=elder_body(community_id=community.id, birth_date=_day(1)),
        headers=family,
    )
    elder = await create_elder(client, family, community_id=community.id)
    far = await client.post(
        "/eldercare/v1/care-requests",
        json={"elder_id": elder["id"], "care_type": "meal", "preferred_date": "9999-12-31"},
        headers=family,
    )
    timestamp = await client.get("/eldercare/v1/activities", params={"from": "1764547200"})

    for malformed in (number, timestamp):
        assert assert_problem(malformed, 422, "validation_error")["errors"], malformed.text
    for implausible in (ancient, far):  # well-formed dates outside what is plausible
        assert assert_problem(implausible, 422, "implausible_date")["errors"], implausible.text
    assert_problem(unborn, 422, "birth_date_in_future")  # the service's rule, on its clock
