"""Registering for a class: seats, the FIFO waitlist, cancellation seating the head, linked
elders, idempotency and the moves a registration cannot make."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.eldercare.factories import add_activity, add_community, create_elder, register
from tests.fixtures.clock import MovableClock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


async def _activity(app: FastAPI, **overrides: object) -> int:
    return (await add_activity(app, await add_community(app), **overrides)).id


async def test_seats_then_the_waitlist_then_full(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    activity = await _activity(eldercare_app, capacity=2, waitlist_capacity=2)

    results = [
        await register(client, tokens.headers(f"p-{n}", "citizen"), activity) for n in range(5)
    ]

    assert [r.status_code for r in results] == [201, 201, 201, 201, 409]
    bodies = [r.json() for r in results[:4]]
    assert [(b["status"], b["waitlist_position"]) for b in bodies] == [
        ("registered", None),
        ("registered", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    assert_problem(results[4], 409, "activity_full")
    one = (await client.get(f"/eldercare/v1/activities/{activity}")).json()
    assert (one["registered"], one["seats_left"], one["waitlisted"]) == (2, 0, 2)


async def test_a_cancelled_seat_goes_to_the_head_of_the_waitlist(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    activity = await _activity(eldercare_app, capacity=1, waitlist_capacity=3)
    people = [tokens.headers(f"q-{n}", "citizen") for n in range(4)]
    ids = [(await register(client, h, activity)).json()["id"] for h in people]

    cancelled = await client.post(
        f"/eldercare/v1/activity-registrations/{ids[0]}/cancel", headers=people[0]
    )
    again = await client.post(
        f"/eldercare/v1/activity-registrations/{ids[0]}/cancel", headers=people[0]
    )
    mine = [
        (await client.get("/eldercare/v1/activity-registrations", headers=h)).json() for h in people
    ]

    assert cancelled.json()["status"] == "cancelled"
    assert_problem(again, 409, "invalid_transition")
    states = [(m["items"][0]["status"], m["items"][0]["waitlist_position"]) for m in mine]
    assert states == [
        ("cancelled", None),
        ("registered", None),  # the head got the seat
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    # leaving the waitlist moves those behind up
    await client.post(f"/eldercare/v1/activity-registrations/{ids[2]}/cancel", headers=people[2])
    last = (await client.get("/eldercare/v1/activity-registrations", headers=people[3])).json()
    assert last["items"][0]["waitlist_position"] == 1
    one = (await client.get(f"/eldercare/v1/activities/{activity}")).json()
    assert (one["registered"], one["waitlisted"]) == (1, 1)


async def test_register_a_linked_elder_not_a_strangers(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    activity = await _activity(eldercare_app, category="calligraphy", title="书法班", capacity=5)
    daughter = tokens.headers("reg-daughter", "citizen")
    mum = await create_elder(client, daughter)
    stranger = tokens.headers("reg-stranger", "citizen")

    mine = await register(client, daughter, activity, elder_id=mum["id"])
    theirs = await register(client, stranger, activity, elder_id=mum["id"])
    twice = await register(client, daughter, activity, elder_id=mum["id"])

    assert mine.status_code == 201
    assert (mine.json()["elder_id"], mine.json()["elder_name"]) == (mum["id"], "王秀英")
    assert mine.json()["registrant_sub"] == "reg-daughter"
    assert_problem(theirs, 404, "elder_not_found")
    assert_problem(twice, 409, "already_registered")
    stolen = await client.post(
        f"/eldercare/v1/activity-registrations/{mine.json()['id']}/cancel", headers=stranger
    )
    assert_problem(stolen, 404, "registration_not_found")


async def test_an_elder_registering_themself_is_the_same_participant_as_by_family(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    activity = await _activity(eldercare_app, capacity=5)
    li = tokens.headers("reg-li", "citizen")
    own = await create_elder(client, li, acting_as="self", family_citizen_ids=["reg-li-son"])
    son = tokens.headers("reg-li-son", "citizen")

    by_herself = await register(client, li, activity)
    by_son = await register(client, son, activity, elder_id=own["id"])
    sons_list = await client.get("/eldercare/v1/activity-registrations", headers=son)

    assert by_herself.json()["elder_id"] == own["id"]
    assert_problem(by_son, 409, "already_registered")
    # the son sees his mother's registration and may cancel it
    [seen] = sons_list.json()["items"]
    assert seen["id"] == by_herself.json()["id"]
    cancel = await client.post(
        f"/eldercare/v1/activity-registrations/{seen['id']}/cancel", headers=son
    )
    assert cancel.json()["status"] == "cancelled"


async def test_idempotent_registration(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    activity = await _activity(eldercare_app, capacity=5)
    other = await _activity(eldercare_app, capacity=5)
    headers = {**tokens.headers("idem-1", "citizen"), "Idempotency-Key": "reg-key-1"}

    first = await register(client, headers, activity)
    replay = await register(client, headers, activity)
    elsewhere = await client.post(
        f"/eldercare/v1/activities/{other}/registrations", json={}, headers=headers
    )

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json() and replay.headers["idempotent-replayed"] == "true"
    assert_problem(elsewhere, 422, "idempotency_key_reused")
    one = (await client.get(f"/eldercare/v1/activities/{activity}")).json()
    assert one["registered"] == 1


async def test_no_registration_once_started_or_cancelled(
    client: httpx.AsyncClient,
    tokens: DevTokens,
    eldercare_app: FastAPI,
    clock: MovableClock,
) -> None:
    activity = await _activity(eldercare_app, capacity=5)
    early = tokens.headers("late-1", "citizen")
    kept = (await register(client, early, activity)).json()
    clock.advance(days=3)

    late = await register(client, tokens.headers("late-2", "citizen"), activity)
    cancel_late = await client.post(
        f"/eldercare/v1/activity-registrations/{kept['id']}/cancel", headers=early
    )

    assert_problem(late, 409, "activity_started")
    assert_problem(cancel_late, 409, "activity_started")
    clock.advance(days=-3)
    staff = tokens.headers("staff-c", "eldercare_staff")
    await client.patch(
        f"/eldercare/v1/activities/{activity}", json={"status": "cancelled"}, headers=staff
    )
    assert_problem(
        await register(client, tokens.headers("late-3", "citizen"), activity),
        409,
        "activity_cancelled",
    )
    assert_problem(await register(client, early, 424242), 404, "activity_not_found")


async def test_times_are_in_city_time(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    activity = await _activity(eldercare_app)

    r = await register(client, tokens.headers("tz-1", "citizen"), activity)

    assert r.json()["starts_at"].endswith("+08:00")
    one = (await client.get(f"/eldercare/v1/activities/{activity}")).json()
    assert one["ends_at"].endswith("+08:00")


async def test_one_person_holds_one_seat_however_they_are_registered(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    """Registering oneself, then making an elder profile for oneself and registering that
    profile, used to take two seats for one person."""
    activity = await _activity(eldercare_app, capacity=2)
    wang = tokens.headers("reg-wang", "citizen")

    first = await register(client, wang, activity)
    own = await create_elder(client, wang, acting_as="self")
    again = await register(client, wang, activity, elder_id=own["id"])
    once_more = await register(client, wang, activity)
    seats = (await client.get(f"/eldercare/v1/activities/{activity}")).json()

    assert first.status_code == 201, first.text
    assert_problem(again, 409, "already_registered")
    assert_problem(once_more, 409, "already_registered")
    assert (seats["registered"], seats["seats_left"]) == (1, 1)
