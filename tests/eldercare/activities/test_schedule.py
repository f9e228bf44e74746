"""Staff schedule and change classes; the public list in time order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from tests.eldercare.factories import (
    FAR_AWAY,
    add_activity,
    add_community,
    add_facility,
    offset,
    register,
)
from tests.fixtures.clock import MovableClock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


def _at(days: float, hour: int = 9) -> str:
    day = datetime.now(UTC).date() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00:00+08:00"


def _body(community_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "兴康社区歌唱小组",
        "category": "singing",
        "community_id": community_id,
        "place": "文体活动中心二楼",
        "starts_at": _at(2),
        "ends_at": _at(2, 11),
        "capacity": 30,
        "waitlist_capacity": 10,
    }
    body.update(overrides)
    return body


async def test_staff_schedule_a_class_at_a_facility_of_the_community(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    home = await add_community(eldercare_app)
    centre = await add_facility(eldercare_app, home, "culture_sports_centre", offset(FAR_AWAY, 50))
    elsewhere = await add_facility(
        eldercare_app, await add_community(eldercare_app), "canteen", FAR_AWAY
    )
    staff = {**tokens.headers("sched-1", "eldercare_staff"), "Idempotency-Key": "sched-key-1"}

    created = await client.post(
        "/eldercare/v1/activities", json=_body(home.id, facility_id=centre.id), headers=staff
    )
    replay = await client.post(
        "/eldercare/v1/activities", json=_body(home.id, facility_id=centre.id), headers=staff
    )
    changed_body = await client.post(
        "/eldercare/v1/activities", json=_body(home.id, capacity=31), headers=staff
    )

    assert created.status_code == 201, created.text
    activity = created.json()
    assert activity["starts_at"] == _at(2) and activity["seats_left"] == 30
    assert activity["location"]["lat"] == round(centre.lat, 7)
    assert activity["community_name"] == home.name and activity["district"] == "武川县"
    assert replay.json() == activity and replay.headers["idempotent-replayed"] == "true"
    assert_problem(changed_body, 422, "idempotency_key_reused")
    staff = tokens.headers("sched-1", "eldercare_staff")
    wrong = await client.post(
        "/eldercare/v1/activities", json=_body(home.id, facility_id=elsewhere.id), headers=staff
    )
    assert_problem(wrong, 422, "facility_not_in_community")


async def test_schedule_rules(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    home = await add_community(eldercare_app)
    staff = tokens.headers("sched-2", "eldercare_staff")

    backwards = await client.post(
        "/eldercare/v1/activities", json=_body(home.id, ends_at=_at(1)), headers=staff
    )
    past = await client.post(
        "/eldercare/v1/activities",
        json=_body(home.id, starts_at=_at(-2), ends_at=_at(-2, 11)),
        headers=staff,
    )
    nowhere = await client.post("/eldercare/v1/activities", json=_body(424242), headers=staff)
    citizen = await client.post(
        "/eldercare/v1/activities", json=_body(home.id), headers=tokens.headers("c", "citizen")
    )
    unknown = await client.post(
        "/eldercare/v1/activities", json=_body(home.id, category="poker"), headers=staff
    )

    assert_problem(backwards, 422, "invalid_time_range")
    assert_problem(past, 422, "starts_in_past")
    assert_problem(nowhere, 404, "community_not_found")
    assert_problem(citizen, 403, "forbidden")
    assert_problem(unknown, 422, "validation_error")


async def test_more_seats_go_to_the_waitlist_and_fewer_than_taken_are_refused(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    activity = (await add_activity(eldercare_app, await add_community(eldercare_app))).id
    people = [tokens.headers(f"cap-{n}", "citizen") for n in range(5)]
    for headers in people:
        await register(client, headers, activity)  # 2 seats, 3 waiting
    staff = tokens.headers("cap-staff", "eldercare_staff")

    more = await client.patch(
        f"/eldercare/v1/activities/{activity}", json={"capacity": 4}, headers=staff
    )
    fewer = await client.patch(
        f"/eldercare/v1/activities/{activity}", json={"capacity": 3}, headers=staff
    )
    shorter = await client.patch(
        f"/eldercare/v1/activities/{activity}", json={"waitlist_capacity": 0}, headers=staff
    )

    assert (more.json()["registered"], more.json()["waitlisted"]) == (4, 1)
    statuses = [
        (await client.get("/eldercare/v1/activity-registrations", headers=h)).json()["items"][0][
            "status"
        ]
        for h in people
    ]
    assert statuses == ["registered"] * 4 + ["waitlisted"]
    assert_problem(fewer, 409, "capacity_below_registered")
    assert_problem(shorter, 409, "waitlist_below_waiting")


async def test_cancelling_a_class_cancels_its_registrations_once(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    activity = (await add_activity(eldercare_app, await add_community(eldercare_app))).id
    people = [tokens.headers(f"cx-{n}", "citizen") for n in range(3)]
    for headers in people:
        await register(client, headers, activity)
    staff = tokens.headers("cx-staff", "eldercare_staff")

    cancelled = await client.patch(
        f"/eldercare/v1/activities/{activity}", json={"status": "cancelled"}, headers=staff
    )
    again = await client.patch(
        f"/eldercare/v1/activities/{activity}", json={"status": "cancelled"}, headers=staff
    )
    back = await client.patch(
        f"/eldercare/v1/activities/{activity}", json={"status": "scheduled"}, headers=staff
    )

    assert cancelled.json()["status"] == "cancelled"
    assert (cancelled.json()["registered"], cancelled.json()["waitlisted"]) == (0, 0)
    for headers in people:
        mine = (await client.get("/eldercare/v1/activity-registrations", headers=headers)).json()
        assert mine["items"][0]["status"] == "cancelled"
    assert_problem(again, 409, "invalid_transition")
    assert_problem(back, 409, "invalid_transition")
    listed = (await client.get("/eldercare/v1/activities", params={"community_id": 0})).status_code
    assert listed == 422


async def test_the_list_runs_in_time_order_from_now(
    client: httpx.AsyncClient, eldercare_app: FastAPI
) -> None:
    home = await add_community(eldercare_app)
    now = datetime.now(UTC)
    made = [
        await add_activity(
            eldercare_app,
            home,
            title=f"班{n}",
            category="dance" if n % 2 else "reading",
            starts_at=now + timedelta(hours=h),
            ends_at=now + timedelta(hours=h + 1),
        )
        for n, h in enumerate([30, 5, -3, 12, 12, 50])
    ]
    await add_activity(
        eldercare_app,
        home,
        title="取消的班",
        status="cancelled",
        starts_at=now + timedelta(hours=6),
        ends_at=now + timedelta(hours=7),
    )

    pages: list[dict[str, Any]] = []
    params: dict[str, Any] = {"community_id": home.id, "limit": 2}
    while True:
        body = (await client.get("/eldercare/v1/activities", params=params)).json()
        pages.extend(body["items"])
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    dance = await client.get(
        "/eldercare/v1/activities", params={"community_id": home.id, "category": "dance"}
    )
    window = await client.get(
        "/eldercare/v1/activities",
        params={
            "community_id": home.id,
            "from": (now + timedelta(hours=10)).isoformat(),
            "until": (now + timedelta(hours=40)).isoformat(),
            "include_cancelled": True,
        },
    )

    assert [a["title"] for a in pages] == ["班1", "班3", "班4", "班0", "班5"]  # 班2 is over
    assert [a["id"] for a in pages][1:3] == sorted([made[3].id, made[4].id])
    assert [a["title"] for a in dance.json()["items"]] == ["班1", "班3", "班5"]
    assert [a["title"] for a in window.json()["items"]] == ["班3", "班4", "班0"]


async def test_cancelling_and_resizing_in_one_change_cancels_everything(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    """Both at once used to be a 500 (`MissingGreenlet`); each alone worked."""
    activity = (await add_activity(eldercare_app, await add_community(eldercare_app))).id
    people = [tokens.headers(f"cr-{n}", "citizen") for n in range(3)]
    for headers in people:
        await register(client, headers, activity)
    staff = tokens.headers("cr-staff", "eldercare_staff")

    both = await client.patch(
        f"/eldercare/v1/activities/{activity}",
        json={"status": "cancelled", "capacity": 16},
        headers=staff,
    )

    assert both.status_code == 200, both.text
    answer = both.json()
    assert (answer["status"], answer["capacity"]) == ("cancelled", 16)
    assert (answer["registered"], answer["waitlisted"]) == (0, 0)
    for headers in people:
        mine = (await client.get("/eldercare/v1/activity-registrations", headers=headers)).json()
        assert [r["status"] for r in mine["items"]] == ["cancelled"]


async def test_a_class_that_has_started_cannot_be_changed(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI, clock: MovableClock
) -> None:
    """Raising capacity used to seat waitlisted people into a session already running, and
    cancelling rewrote every registration of a session in progress."""
    activity = (await add_activity(eldercare_app, await add_community(eldercare_app))).id
    people = [tokens.headers(f"st-{n}", "citizen") for n in range(3)]
    for headers in people:
        await register(client, headers, activity)  # two seats, one waiting
    staff = tokens.headers("st-staff", "eldercare_staff")
    clock.advance(days=2, minutes=30)  # the session started half an hour ago

    bigger = await client.patch(
        f"/eldercare/v1/activities/{activity}", json={"capacity": 5}, headers=staff
    )
    cancelled = await client.patch(
        f"/eldercare/v1/activities/{activity}", json={"status": "cancelled"}, headers=staff
    )
    after = (await client.get(f"/eldercare/v1/activities/{activity}")).json()

    assert_problem(bigger, 409, "activity_started")
    assert_problem(cancelled, 409, "activity_started")
    assert (after["status"], after["capacity"], after["registered"], after["waitlisted"]) == (
        "scheduled",
        2,
        2,
        1,
    )
