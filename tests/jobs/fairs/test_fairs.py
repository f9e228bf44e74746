"""Fairs through the API: the listing, staff scheduling, registering and cancelling (the seat
returns), one seat per citizen, closed once the fair starts, and privacy between citizens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import add_fair, created, fair_body

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


async def test_staff_schedule_a_fair_that_lists_with_its_employers_and_positions(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    past = await add_fair(jobs_app, starts_at=NOW - timedelta(days=30), name="旧招聘会")

    fair = await created(await client.post("/jobs/v1/fairs", json=fair_body(), headers=staff))
    upcoming = (await client.get("/jobs/v1/fairs", params={"when": "upcoming"})).json()
    over = (await client.get("/jobs/v1/fairs", params={"when": "past"})).json()

    assert fair["status"] == "upcoming" and fair["seats_left"] == 2
    assert fair["positions"] == 4 and len(fair["employers"]) == 2
    assert fair["starts_at"] == "2026-06-20T01:00:00Z"
    assert [f["id"] for f in upcoming["items"]] == [fair["id"]]
    assert [f["id"] for f in over["items"]] == [past.id]
    assert (await client.get(f"/jobs/v1/fairs/{fair['id']}")).json() == fair


async def test_register_then_cancel_gives_the_seat_back(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    fair = await add_fair(jobs_app, starts_at=NOW + timedelta(days=9), capacity=1)
    alice, bob = tokens.headers("alice", "citizen"), tokens.headers("bob", "citizen")
    url = f"/jobs/v1/fairs/{fair.id}/registrations"

    mine = await created(await client.post(url, headers=alice))
    twice = await client.post(url, headers=alice)
    full = await client.post(url, headers=bob)
    cancelled = await client.post(f"/jobs/v1/fair-registrations/{mine['id']}/cancel", headers=alice)
    again = await client.post(f"/jobs/v1/fair-registrations/{mine['id']}/cancel", headers=alice)
    bobs = await created(await client.post(url, headers=bob))

    assert mine["status"] == "registered" and mine["fair_name"] == "测试招聘会"
    assert_problem(twice, 409, "already_registered")
    assert_problem(full, 409, "fair_full")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_at"] is not None
    assert_problem(again, 409, "invalid_transition")
    assert bobs["status"] == "registered"
    listed = (await client.get("/jobs/v1/fair-registrations", headers=alice)).json()["items"]
    assert [(r["id"], r["status"]) for r in listed] == [(mine["id"], "cancelled")]
    assert (await client.get(f"/jobs/v1/fairs/{fair.id}")).json()["registered"] == 1


async def test_registration_closes_when_the_fair_starts(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    fair = await add_fair(jobs_app, starts_at=NOW + timedelta(hours=1))
    alice = tokens.headers("alice", "citizen")
    mine = await created(
        await client.post(f"/jobs/v1/fairs/{fair.id}/registrations", headers=alice)
    )

    clock.advance(hours=2)
    late = await client.post(f"/jobs/v1/fairs/{fair.id}/registrations", headers=alice)
    cancel = await client.post(f"/jobs/v1/fair-registrations/{mine['id']}/cancel", headers=alice)

    assert_problem(late, 409, "registration_closed")
    assert_problem(cancel, 409, "registration_closed")
    assert (await client.get(f"/jobs/v1/fairs/{fair.id}")).json()["status"] == "ongoing"


async def test_another_citizens_registration_is_not_found(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    fair = await add_fair(jobs_app, starts_at=NOW + timedelta(days=3))
    alice, mallory = tokens.headers("alice", "citizen"), tokens.headers("mallory", "citizen")
    mine = await created(
        await client.post(f"/jobs/v1/fairs/{fair.id}/registrations", headers=alice)
    )

    read = await client.get(f"/jobs/v1/fair-registrations/{mine['id']}", headers=mallory)
    cancel = await client.post(f"/jobs/v1/fair-registrations/{mine['id']}/cancel", headers=mallory)
    listed = await client.get("/jobs/v1/fair-registrations", headers=mallory)
    missing = await client.post("/jobs/v1/fairs/987654/registrations", headers=alice)
    anonymous = await client.post(f"/jobs/v1/fairs/{fair.id}/registrations")

    assert_problem(read, 404, "registration_not_found")
    assert_problem(cancel, 404, "registration_not_found")
    assert listed.json()["items"] == []
    assert_problem(missing, 404, "fair_not_found")
    assert_problem(anonymous, 401, "unauthenticated")
    assert (await client.get(f"/jobs/v1/fair-registrations/{mine['id']}", headers=alice)).json()[
        "status"
    ] == "registered"


async def test_staff_changes_are_checked(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    fair = await add_fair(jobs_app, starts_at=NOW + timedelta(days=3), capacity=5, registered=3)

    upside = await client.post(
        "/jobs/v1/fairs",
        json=fair_body(ends_at="2026-06-20T08:00:00+08:00"),
        headers=staff,
    )
    shrink = await client.patch(f"/jobs/v1/fairs/{fair.id}", json={"capacity": 2}, headers=staff)
    grow = await client.patch(
        f"/jobs/v1/fairs/{fair.id}", json={"capacity": 3, "employers": []}, headers=staff
    )
    citizen = await client.post(
        "/jobs/v1/fairs", json=fair_body(), headers=tokens.headers("c", "citizen")
    )

    assert_problem(upside, 422, "invalid_fair_times")
    assert_problem(shrink, 409, "capacity_below_registered")
    assert grow.json()["seats_left"] == 0 and grow.json()["positions"] == 0
    assert_problem(citizen, 403, "forbidden")
