"""Eldercare notices reach the elder and every family member who acts for them (and whoever
asked), no one else: a class seat from the waitlist, a class changed and cancelled, the class
tomorrow, a care request assigned and completed, each renovation step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from common.clock import CITY_TZ, city_today
from common.notifications.reminders import run_reminders
from common.state import service_context
from services.eldercare.notifications.reminders import remind_classes_tomorrow
from tests.eldercare.factories import add_activity, add_community, create_elder, register
from tests.fixtures.clock import MovableClock
from tests.fixtures.notices import deliver, inbox, kinds
from tests.fixtures.tokens import DevTokens


async def _family(
    client: httpx.AsyncClient, tokens: DevTokens, tag: str
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """An elder with an account of her own and two children linked to act for her (staff
    registered her); the people told: daughter, son, the elder."""
    staff = tokens.headers(f"{tag}-registrar", "eldercare_staff")
    mum = await create_elder(
        client,
        staff,
        elder_citizen_id=f"{tag}-mum",
        family_citizen_ids=[f"{tag}-daughter", f"{tag}-son"],
    )
    people = [tokens.headers(f"{tag}-{who}", "citizen") for who in ("daughter", "son", "mum")]
    return mum, people


async def test_care_request_notices_reach_the_elder_and_the_family(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    mum, people = await _family(client, tokens, "nc")
    staff = tokens.headers("nc-staff", "eldercare_staff")
    asked = await client.post(
        "/eldercare/v1/care-requests",
        json={"elder_id": mum["id"], "care_type": "meal"},
        headers=people[0],
    )
    url = f"/eldercare/v1/care-requests/{asked.json()['id']}"
    await client.post(f"{url}/assign", json={"provider_name": "社区助餐点"}, headers=staff)
    await client.post(f"{url}/complete", headers=staff)
    await deliver(eldercare_app)

    for person in people:
        page = await inbox(client, "eldercare", person)
        assert kinds(page) == [
            "eldercare.care_request_completed",
            "eldercare.care_request_assigned",
        ]
        assert page["items"][1]["params"]["provider_name"] == "社区助餐点"
        assert "社区助餐点" in page["items"][1]["body"] and "王秀英" in page["items"][1]["body"]
        assert "id_number" not in str(page)
    stranger = await inbox(client, "eldercare", tokens.headers("nc-stranger", "citizen"))
    assert stranger["items"] == [] and stranger["unread"] == 0


async def test_a_seat_from_the_waitlist_a_change_and_a_cancellation(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    community = await add_community(eldercare_app)
    activity = await add_activity(eldercare_app, community, capacity=1, title="书法班")
    mum, people = await _family(client, tokens, "ns")
    neighbour = tokens.headers("ns-neighbour", "citizen")
    seat = (await register(client, neighbour, activity.id)).json()
    waiting = await register(client, people[0], activity.id, elder_id=mum["id"])
    assert waiting.json()["status"] == "waitlisted"
    staff = tokens.headers("ns-staff", "eldercare_staff")

    await client.post(
        f"/eldercare/v1/activity-registrations/{seat['id']}/cancel", headers=neighbour
    )
    later = activity.starts_at + timedelta(hours=1)
    changed = await client.patch(
        f"/eldercare/v1/activities/{activity.id}",
        json={"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()},
        headers=staff,
    )
    assert changed.status_code == 200, changed.text
    await client.patch(
        f"/eldercare/v1/activities/{activity.id}", json={"status": "cancelled"}, headers=staff
    )
    await deliver(eldercare_app)

    expected = [
        "eldercare.class_cancelled",
        "eldercare.class_changed",
        "eldercare.class_seat_from_waitlist",
    ]
    for person in people:
        page = await inbox(client, "eldercare", person)
        assert kinds(page) == expected
        assert page["items"][2]["params"]["participant"] == "王秀英"
        assert page["items"][1]["params"]["starts"] == later.astimezone(CITY_TZ).strftime(
            "%Y-%m-%d %H:%M"
        )
    # the neighbour gave the seat up before the change: told nothing
    assert (await inbox(client, "eldercare", neighbour))["items"] == []


async def test_each_renovation_step_is_told(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    mum, people = await _family(client, tokens, "nr")
    staff = tokens.headers("nr-staff", "eldercare_staff")
    asked = await client.post(
        "/eldercare/v1/renovations",
        json={"elder_id": mum["id"], "items": ["handrails"]},
        headers=people[1],
    )
    url = f"/eldercare/v1/renovations/{asked.json()['id']}"
    day = (city_today() + timedelta(days=10)).isoformat()
    await client.post(f"{url}/assess", json={"estimated_cost_fen": 5000}, headers=staff)
    scheduled = await client.post(f"{url}/schedule", json={"scheduled_for": day}, headers=staff)
    assert scheduled.status_code == 200, scheduled.text
    await deliver(eldercare_app)

    page = await inbox(client, "eldercare", people[2])
    assert kinds(page) == ["eldercare.renovation_scheduled", "eldercare.renovation_assessed"]
    assert day in page["items"][0]["body"]


async def test_the_class_tomorrow_reminder_from_18_00_once(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI, clock: MovableClock
) -> None:
    community = await add_community(eldercare_app)
    # 09:30 city time the day after the clock's day
    today = datetime(2026, 12, 10, 9, 0, tzinfo=CITY_TZ)
    clock.moment = today.astimezone(UTC)
    starts = (today + timedelta(days=1, minutes=30)).astimezone(UTC)
    activity = await add_activity(
        eldercare_app, community, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    mum, people = await _family(client, tokens, "nt")
    assert (await register(client, people[0], activity.id, elder_id=mum["id"])).status_code == 201
    sessionmaker = service_context(eldercare_app).database.sessionmaker

    clock.moment = today.replace(hour=17, minute=59).astimezone(UTC)
    assert await run_reminders(sessionmaker, remind_classes_tomorrow, now=clock.moment) == 0
    clock.moment = today.replace(hour=18, minute=5).astimezone(UTC)
    assert await run_reminders(sessionmaker, remind_classes_tomorrow, now=clock.moment) == 3
    assert await run_reminders(sessionmaker, remind_classes_tomorrow, now=clock.moment) == 0
    await deliver(eldercare_app)

    for person in people:
        page = await inbox(client, "eldercare", person)
        assert kinds(page) == ["eldercare.class_tomorrow"]
        assert datetime.fromisoformat(page["items"][0]["at"]) == today.replace(hour=18)
