"""Places never sit idle while a child who could take them waits (DESIGN §3): a child who takes a
place elsewhere leaves the other waitlists, an expired offer passes on at once, an offer is made
only to a child who fits the age range on its (possibly moved) start date."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from common.clock import city_today
from common.state import service_context
from gateway.clients.childcare import ChildcareSummary
from services.childcare.models import Enrollment
from tests.childcare.factories import add_institution, apply, register_child
from tests.fixtures.clock import MovableClock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


async def _status(client: httpx.AsyncClient, headers: dict[str, str], enrollment: int) -> dict:  # type: ignore[type-arg]
    r = await client.get(f"/childcare/v1/enrollments/{enrollment}", headers=headers)
    assert r.status_code == 200, r.text
    body: dict = r.json()  # type: ignore[type-arg]
    return body


async def test_enrolling_directly_leaves_the_other_waitlists(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    full = await add_institution(childcare_app, capacity=1, name="满园")
    free = await add_institution(childcare_app, capacity=1, name="空园")
    holder, y, z = (tokens.headers(f"fair-{n}", "citizen") for n in ("h", "y", "z"))
    held = (
        await apply(client, holder, await register_child(client, holder, "占位"), full.id)
    ).json()
    y_child = await register_child(client, y, "小Y")
    y_waiting = (await apply(client, y, y_child, full.id)).json()
    z_waiting = (await apply(client, z, await register_child(client, z, "小Z"), full.id)).json()
    assert (y_waiting["status"], z_waiting["waitlist_position"]) == ("waitlisted", 2)

    y_direct = (await apply(client, y, y_child, free.id)).json()
    assert y_direct["status"] == "enrolled"
    await client.post(f"/childcare/v1/enrollments/{held['id']}/withdraw", headers=holder)

    assert (await _status(client, y, y_waiting["id"]))["status"] == "withdrawn"
    assert (await _status(client, z, z_waiting["id"]))["status"] == "offered"


async def test_accepting_an_expired_offer_passes_the_place_on_at_once(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=1)
    holder, y, z = (tokens.headers(f"late-{n}", "citizen") for n in ("h", "y", "z"))
    held = (await apply(client, holder, await register_child(client, holder, "占"), inst.id)).json()
    y_app = (await apply(client, y, await register_child(client, y, "迟到"), inst.id)).json()
    z_app = (await apply(client, z, await register_child(client, z, "候补"), inst.id)).json()
    await client.post(f"/childcare/v1/enrollments/{held['id']}/withdraw", headers=holder)
    assert (await _status(client, y, y_app["id"]))["status"] == "offered"
    async with service_context(childcare_app).database.sessionmaker() as session:
        await session.execute(
            update(Enrollment)
            .where(Enrollment.id == y_app["id"])
            .values(offer_expires_at=Enrollment.offer_expires_at - timedelta(hours=49))
        )
        await session.commit()

    late = await client.post(f"/childcare/v1/enrollments/{y_app['id']}/accept", headers=y)

    assert_problem(late, 409, "offer_expired")
    # no sweeper ran: the expiry and the hand-over were committed by the failed accept itself
    assert (await _status(client, y, y_app["id"]))["status"] == "expired"
    assert (await _status(client, z, z_app["id"]))["status"] == "offered"


async def test_an_offer_rechecks_the_age_and_moves_a_past_start_date(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    inst = await add_institution(childcare_app, capacity=1, min_age_months=6, max_age_months=32)
    holder, old, young = (tokens.headers(f"age-{n}", "citizen") for n in ("h", "o", "y"))
    held = (await apply(client, holder, await register_child(client, holder, "占"), inst.id)).json()
    old_app = (
        await apply(client, old, await register_child(client, old, "大宝", months=30), inst.id)
    ).json()
    young_app = (
        await apply(client, young, await register_child(client, young, "小宝", months=12), inst.id)
    ).json()
    assert old_app["status"] == young_app["status"] == "waitlisted"

    clock.advance(days=120)  # the older child is 34 months now: past this institution's range
    await client.post(f"/childcare/v1/enrollments/{held['id']}/withdraw", headers=holder)

    aged_out = await _status(client, old, old_app["id"])
    offered = await _status(client, young, young_app["id"])
    assert aged_out["status"] == "ineligible" and aged_out["waitlist_position"] is None
    assert offered["status"] == "offered"
    # its start date (a week after applying) has passed: the offer carries the next possible one
    assert offered["start_date"] == (city_today() + timedelta(days=120)).isoformat()
    # the family's citizen view still reads: the gateway's mirror knows `ineligible`
    summary = await client.get("/childcare/v1/me/summary", headers=old)
    view = ChildcareSummary.model_validate_json(summary.content)
    assert [(e.child_name, e.status.value) for e in view.enrollments] == [("大宝", "ineligible")]


async def test_registration_and_apply_share_one_age_range(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=5, min_age_months=0, max_age_months=36)
    parent = tokens.headers("age-bounds", "citizen")

    three = await register_child(client, parent, "刚满三岁", months=36)
    enrolled = await apply(client, parent, three, inst.id)
    too_old = await client.post(
        "/childcare/v1/children",
        json={"name": "超龄", "birth_date": (city_today() - timedelta(days=37 * 31)).isoformat()},
        headers=parent,
    )

    assert enrolled.json()["status"] == "enrolled"
    assert_problem(too_old, 422, "child_too_old")
