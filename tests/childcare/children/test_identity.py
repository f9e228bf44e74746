"""One child, one identity (DESIGN §3): a national ID is unique per guardian; a stranger's
registration of an ID on record reveals nothing; staff see the link; one child by ID never holds
two places."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.childcare.factories import add_institution, birth_months_ago, start_in_a_week
from tests.common.test_problems import assert_problem
from tests.fixtures.tokens import DevTokens

ID_NUMBER = "150105202403010023"


async def _register(
    client: httpx.AsyncClient, headers: dict[str, str], name: str
) -> httpx.Response:
    return await client.post(
        "/childcare/v1/children",
        json={"name": name, "birth_date": birth_months_ago(20), "id_number": ID_NUMBER},
        headers=headers,
    )


async def test_a_stranger_registering_a_known_id_learns_nothing(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    first = await _register(client, tokens.headers("id-mum", "citizen"), "萱萱")
    stranger = await _register(client, tokens.headers("id-stranger", "citizen"), "萱萱")
    twice = await _register(client, tokens.headers("id-mum", "citizen"), "萱萱二")

    assert first.status_code == stranger.status_code == 201
    assert set(first.json()) == set(stranger.json())
    assert stranger.json()["id_number_masked"] == "1501**********0023"
    assert ID_NUMBER not in stranger.text
    assert_problem(twice, 409, "child_already_registered")


async def test_staff_see_suspected_duplicates_and_one_id_holds_one_place(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    a = await add_institution(childcare_app, capacity=3, name="甲")
    b = await add_institution(childcare_app, capacity=3, name="乙")
    mum, dad, other = (tokens.headers(f"dup-{n}", "citizen") for n in ("mum", "dad", "other"))
    mum_child = (await _register(client, mum, "同一个孩子")).json()["id"]
    dad_child = (await _register(client, dad, "同一个孩子")).json()["id"]
    other_child = (
        await client.post(
            "/childcare/v1/children",
            json={"name": "别人", "birth_date": birth_months_ago(20)},
            headers=other,
        )
    ).json()["id"]

    def body(child: int, inst: int) -> dict[str, object]:
        return {"child_id": child, "institution_id": inst, "start_date": start_in_a_week()}

    at_a = await client.post("/childcare/v1/enrollments", json=body(mum_child, a.id), headers=mum)
    at_b = await client.post("/childcare/v1/enrollments", json=body(dad_child, b.id), headers=dad)
    await client.post("/childcare/v1/enrollments", json=body(other_child, b.id), headers=other)

    assert at_a.json()["status"] == "enrolled"
    # a free place, but this child (by ID) already holds one: the application waits for staff
    assert at_b.status_code == 201 and at_b.json()["status"] == "waitlisted"
    shown_b = (await client.get(f"/childcare/v1/institutions/{b.id}")).json()
    assert shown_b["enrolled"] == 1
    roster = (
        await client.get(
            f"/childcare/v1/institutions/{b.id}/roster",
            headers=tokens.headers("dup-staff", "childcare_staff"),
        )
    ).json()
    flags = {
        e["child_id"]: e["suspected_duplicate"] for e in roster["enrolled"] + roster["waitlisted"]
    }
    assert flags == {dad_child: True, other_child: False}
