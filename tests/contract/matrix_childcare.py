"""childcare in the authorization matrix: each operation's rule and request, and the records the
requests name (the owner's children and enrollments, an institution, the seeded 2023 plan)."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from common.state import service_context
from services.childcare.seed import seed
from tests.childcare.factories import add_institution, apply, birth_months_ago, start_in_a_week
from tests.contract.authorization import (
    ADMIN,
    CITIZEN,
    OWNED,
    PRIVATE,
    PUBLIC,
    Cell,
    Ids,
    at,
    staff,
)
from tests.contract.principals import OWNER
from tests.fixtures.notices import first_notice
from tests.fixtures.tokens import DevTokens

STAFF = staff("childcare")
V1 = "/childcare/v1"
CORRECTED = "矩阵童更正"  # the corrected child's new name: no stranger may see it either

INSTITUTION = {
    "name": "矩阵托育园",
    "district": "赛罕区",
    "address": "赛罕区矩阵路1号",
    "location": {"lat": 40.80, "lon": 111.73},
    "kind": "private",
    "capacity": 20,
    "monthly_fee_fen": 150_000,
    "min_age_months": 6,
    "max_age_months": 36,
    "opening_hours": "07:30-18:00",
    "phone": "0471-0000000",
}

RULES: dict[str, Cell] = {
    f"GET {V1}/institutions": Cell(PUBLIC, at(f"{V1}/institutions")),
    f"POST {V1}/institutions": Cell(STAFF, at(f"{V1}/institutions", INSTITUTION)),
    f"GET {V1}/institutions/{{institution_id}}": Cell(PUBLIC, at(f"{V1}/institutions/{{inst}}")),
    f"PATCH {V1}/institutions/{{institution_id}}": Cell(
        STAFF, at(f"{V1}/institutions/{{inst}}", {"phone": "0471-1111111"})
    ),
    f"GET {V1}/institutions/{{institution_id}}/roster": Cell(
        STAFF, at(f"{V1}/institutions/{{inst}}/roster")
    ),
    f"POST {V1}/children": Cell(
        CITIZEN,
        at(f"{V1}/children", lambda _: {"name": "矩阵新童", "birth_date": birth_months_ago(20)}),
    ),
    f"GET {V1}/children": Cell(CITIZEN, at(f"{V1}/children")),
    f"GET {V1}/children/{{child_id}}": Cell(OWNED, at(f"{V1}/children/{{child}}")),
    # a correction and an erasure are the guardian's alone (CitizenDep and the guardian's key in
    # the lookup): staff hold no citizen role (403), admin and another citizen meet no child
    f"PATCH {V1}/children/{{child_id}}": Cell(
        OWNED, at(f"{V1}/children/{{corrected_child}}", {"name": CORRECTED})
    ),
    # a child without a place (one with a place is 409 child_has_place): its own record, so the
    # children other cells name are still there when the requests commit (through the gateway)
    f"DELETE {V1}/children/{{child_id}}": Cell(OWNED, at(f"{V1}/children/{{erasable_child}}")),
    # the body names the owner's child: anyone else applying with it meets a missing child
    f"POST {V1}/enrollments": Cell(
        OWNED,
        at(
            f"{V1}/enrollments",
            lambda ids: {
                "child_id": ids["free_child"],
                "institution_id": ids["inst"],
                "start_date": start_in_a_week(),
            },
        ),
    ),
    f"GET {V1}/enrollments": Cell(CITIZEN, at(f"{V1}/enrollments")),
    f"GET {V1}/enrollments/{{enrollment_id}}": Cell(OWNED, at(f"{V1}/enrollments/{{enrolled}}")),
    f"POST {V1}/enrollments/{{enrollment_id}}/accept": Cell(
        OWNED, at(f"{V1}/enrollments/{{offered}}/accept")
    ),
    f"POST {V1}/enrollments/{{enrollment_id}}/decline": Cell(
        OWNED, at(f"{V1}/enrollments/{{offered}}/decline")
    ),
    f"POST {V1}/enrollments/{{enrollment_id}}/withdraw": Cell(
        OWNED, at(f"{V1}/enrollments/{{enrolled}}/withdraw")
    ),
    f"GET {V1}/me/summary": Cell(CITIZEN, at(f"{V1}/me/summary")),
    f"GET {V1}/stats": Cell(PUBLIC, at(f"{V1}/stats")),
    f"PUT {V1}/districts/{{district}}/population": Cell(
        STAFF,
        at(f"{V1}/districts/赛罕区/population", {"population": 650_000, "source": "矩阵测试"}),
    ),
    f"GET {V1}/plans": Cell(PUBLIC, at(f"{V1}/plans")),
    f"GET {V1}/plans/{{year}}": Cell(PUBLIC, at(f"{V1}/plans/2023")),
    f"PATCH {V1}/plan-projects/{{project_id}}": Cell(
        STAFF, at(f"{V1}/plan-projects/{{project}}", {"status": "under_construction"})
    ),
    f"GET {V1}/audit": Cell(ADMIN, at(f"{V1}/audit")),
    # the notices are the citizen's own (another citizen's id is 404); undelivered is admin's
    f"GET {V1}/me/notifications": Cell(CITIZEN, at(f"{V1}/me/notifications")),
    f"POST {V1}/me/notifications/{{notification_id}}/read": Cell(
        OWNED, at(f"{V1}/me/notifications/{{notice}}/read")
    ),
    f"GET {V1}/admin/undelivered": Cell(ADMIN, at(f"{V1}/admin/undelivered")),
}


async def _child(client: httpx.AsyncClient, headers: dict[str, str], name: str) -> int:
    r = await client.post(
        f"{V1}/children", json={"name": name, "birth_date": birth_months_ago(20)}, headers=headers
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def _enrollment(r: httpx.Response, status: str) -> int:
    assert r.status_code == 201, r.text
    assert r.json()["status"] == status, r.text
    return int(r.json()["id"])


async def scenario(app: FastAPI, client: httpx.AsyncClient, tokens: DevTokens) -> Ids:
    owner = tokens.headers(OWNER, "citizen")
    neighbour = tokens.headers("matrix-neighbour", "citizen")
    inst = (await add_institution(app, capacity=10)).id
    small = (await add_institution(app, name="矩阵小园", capacity=1)).id
    ids: dict[str, Any] = {"inst": inst}
    ids["child"] = await _child(client, owner, "矩阵童一")
    ids["free_child"] = await _child(client, owner, "矩阵童二")
    waiting_child = await _child(client, owner, "矩阵童三")
    ids["corrected_child"] = await _child(client, owner, "矩阵童四")
    ids["erasable_child"] = await _child(client, owner, "矩阵童五")
    ids["enrolled"] = await _enrollment(await apply(client, owner, ids["child"], inst), "enrolled")
    # the one place of `small` goes to the neighbour; the owner's child waits, then is offered
    # the place the neighbour gives up
    theirs = await _enrollment(
        await apply(client, neighbour, await _child(client, neighbour, "邻家童"), small), "enrolled"
    )
    offered = await _enrollment(await apply(client, owner, waiting_child, small), "waitlisted")
    withdrawn = await client.post(f"{V1}/enrollments/{theirs}/withdraw", headers=neighbour)
    assert withdrawn.status_code == 200, withdrawn.text
    r = await client.get(f"{V1}/enrollments/{offered}", headers=owner)
    assert r.json()["status"] == "offered", r.text
    ids["offered"] = offered
    ids[PRIVATE] = (OWNER, "矩阵童一", "矩阵童二", "矩阵童三", "矩阵童四", "矩阵童五", CORRECTED)
    # the demo data (the 2023 plan and its projects) after the owner's records: theirs have the
    # first ids, so a list that leaks them shows them on its first page
    async with service_context(app).database.sessionmaker() as session:
        await seed(session)
        await session.commit()
    plan = (await client.get(f"{V1}/plans/2023")).json()
    ids["project"] = next(p["id"] for p in plan["projects"] if p["status"] == "planned")
    ids["notice"] = await first_notice(app, client, owner)
    return ids
