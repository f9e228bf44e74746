"""Jobs notices: a fair registration confirmed, the fair tomorrow (from 18:00 city time, once,
not for a cancelled seat), and an application approved, rejected and paid — each in the
citizen's inbox and no one else's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from common.notifications.reminders import run_reminders
from common.state import service_context
from services.jobs.demo_programmes import RENT_SUBSIDY
from services.jobs.notifications.reminders import remind_fairs_tomorrow
from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.notices import deliver, inbox, kinds
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import RENTER, add_fair, created
from tests.jobs.programmes.conftest import create_programme

# 12:00 city time, 2026-06-30
NOW = datetime(2026, 6, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


async def test_a_fair_registration_and_the_fair_tomorrow_reminder_once(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    # tomorrow 09:00 city time
    fair = await add_fair(jobs_app, starts_at=NOW + timedelta(hours=21), name="明日招聘会")
    ann, ben = tokens.headers("fr-ann", "citizen"), tokens.headers("fr-ben", "citizen")
    url = f"/jobs/v1/fairs/{fair.id}/registrations"
    await created(await client.post(url, headers=ann))
    bens = await created(await client.post(url, headers=ben))
    await client.post(f"/jobs/v1/fair-registrations/{bens['id']}/cancel", headers=ben)
    sessionmaker = service_context(jobs_app).database.sessionmaker

    clock.advance(hours=5)  # 17:00 city time: not yet
    assert await run_reminders(sessionmaker, remind_fairs_tomorrow, now=clock.moment) == 0
    clock.advance(hours=1, minutes=30)  # 18:30
    assert await run_reminders(sessionmaker, remind_fairs_tomorrow, now=clock.moment) == 1
    assert await run_reminders(sessionmaker, remind_fairs_tomorrow, now=clock.moment) == 0
    await deliver(jobs_app)

    anns = await inbox(client, "jobs", ann)
    assert kinds(anns) == ["jobs.fair_tomorrow", "jobs.fair_registration_confirmed"]
    reminder = anns["items"][0]
    assert datetime.fromisoformat(reminder["at"]) == NOW + timedelta(hours=6)  # 18:00 sharp
    assert reminder["params"]["starts"] == "2026-07-01 09:00"
    assert "明日招聘会" in reminder["body"]
    # the cancelled seat was confirmed once, and is reminded of nothing
    assert kinds(await inbox(client, "jobs", ben)) == ["jobs.fair_registration_confirmed"]


async def test_decisions_on_an_application_reach_the_applicant_only(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("nt-staff", "jobs_staff")
    programme = await create_programme(client, staff, RENT_SUBSIDY)
    cai, dan = tokens.headers("nt-cai", "citizen"), tokens.headers("nt-dan", "citizen")
    body = {"programme_id": programme["id"], "facts": RENTER}
    cais = await created(await client.post("/jobs/v1/applications", json=body, headers=cai))
    dans = await created(await client.post("/jobs/v1/applications", json=body, headers=dan))

    await client.post(f"/jobs/v1/applications/{cais['id']}/approve", headers=staff)
    await client.post(f"/jobs/v1/applications/{cais['id']}/disburse", headers=staff)
    await client.post(
        f"/jobs/v1/applications/{dans['id']}/reject", json={"reason": "材料不全"}, headers=staff
    )
    await deliver(jobs_app)

    mine = await inbox(client, "jobs", cai)
    assert kinds(mine) == ["jobs.application_paid", "jobs.application_approved"]
    paid = mine["items"][0]
    assert paid["params"]["amount_fen"] == 600_000 and paid["params"]["amount_yuan"] == "6000.00"
    assert paid["params"]["payment_reference"] in paid["body"]
    rejected = await inbox(client, "jobs", dan)
    assert kinds(rejected) == ["jobs.application_rejected"]
    assert rejected["items"][0]["params"]["reason"] == "材料不全"
    assert (await inbox(client, "jobs", tokens.headers("nt-eve", "citizen")))["items"] == []
