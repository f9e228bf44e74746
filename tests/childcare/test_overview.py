"""`GET /childcare/v1/me/summary` read by the gateway's own mirror of it (gateway/clients/
childcare.py), as the citizen view reads it: a place taken and a place waited for, another family's
records never in it."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from gateway.clients.childcare import ChildcareChild, ChildcareEnrollment, ChildcareSummary
from tests.childcare.factories import add_institution, apply, register_child
from tests.fixtures.tokens import DevTokens


async def test_me_summary_matches_the_gateways_mirror(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    open_place = await add_institution(childcare_app, name="有位托育园", capacity=5)
    full = await add_institution(childcare_app, name="满员托育园", capacity=0)
    parent = tokens.headers("mirror-parent", "citizen")
    other = tokens.headers("mirror-other", "citizen")
    empty = (await client.get("/childcare/v1/me/summary", headers=parent)).json()
    first = await register_child(client, parent, "镜像一")
    second = await register_child(client, parent, "镜像二", months=30)
    await register_child(client, other, "别人家")
    placed = (await apply(client, parent, first, open_place.id)).json()
    waiting = (await apply(client, parent, second, full.id)).json()

    r = await client.get("/childcare/v1/me/summary", headers=parent)

    assert empty == {"children": [], "enrollments": []}
    summary = ChildcareSummary.model_validate(r.json())
    assert sorted(c.name for c in summary.children) == ["镜像一", "镜像二"]
    by_id = {e.id: e for e in summary.enrollments}
    assert set(by_id) == {placed["id"], waiting["id"]}
    assert placed["status"] == "enrolled" and by_id[placed["id"]].status.value == "enrolled"
    assert by_id[placed["id"]].institution_name == "有位托育园"
    assert by_id[placed["id"]].offer_expires_at is None
    assert by_id[waiting["id"]].status.value == "waitlisted"
    assert by_id[waiting["id"]].waitlist_position == 1
    # the service sends nothing the mirror would drop unseen, and lacks nothing it needs
    assert set(r.json()["enrollments"][0]) == set(ChildcareEnrollment.model_fields)
    assert set(r.json()["children"][0]) == set(ChildcareChild.model_fields)
