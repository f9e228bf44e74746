"""One child, one identity (DESIGN §3): a national ID is unique per guardian; a stranger's
registration of an ID on record reveals nothing; staff see the link; one child by ID never holds
two places."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.childcare.factories import (
    add_institution,
    apply,
    birth_months_ago,
    register_child,
    start_in_a_week,
)
from tests.fixtures.problems import assert_problem
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


async def _mine(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[int, dict]:  # type: ignore[type-arg]
    r = await client.get("/childcare/v1/enrollments", headers=headers)
    assert r.status_code == 200, r.text
    return {e["id"]: e for e in r.json()["items"]}


async def test_an_offer_passes_over_a_child_whose_id_holds_a_place_through_another_record(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    first = await add_institution(childcare_app, capacity=1, name="一园")
    second = await add_institution(childcare_app, capacity=1, name="二园")
    mum, dad, other, holder = (
        tokens.headers(f"pass-{n}", "citizen") for n in ("mum", "dad", "other", "holder")
    )
    held = (
        await apply(client, holder, await register_child(client, holder, "占位"), second.id)
    ).json()
    mum_child = (await _register(client, mum, "同一个孩子")).json()["id"]
    at_first = (await apply(client, mum, mum_child, first.id)).json()
    dad_register = await _register(client, dad, "同一个孩子")
    dad_waiting = (await apply(client, dad, dad_register.json()["id"], second.id)).json()
    other_waiting = (
        await apply(client, other, await register_child(client, other, "别人"), second.id)
    ).json()
    assert (held["status"], at_first["status"]) == ("enrolled", "enrolled")
    assert dad_register.status_code == 201
    assert (dad_waiting["status"], dad_waiting["waitlist_position"]) == ("waitlisted", 1)
    assert (other_waiting["status"], other_waiting["waitlist_position"]) == ("waitlisted", 2)

    freed = await client.post(f"/childcare/v1/enrollments/{held['id']}/withdraw", headers=holder)
    assert freed.json()["status"] == "withdrawn"

    # the head of the waitlist is this child by ID, enrolled at 一园 through mum's record
    passed_over = (await _mine(client, dad))[dad_waiting["id"]]
    assert (passed_over["status"], passed_over["waitlist_position"]) == ("waitlisted", 1)
    assert passed_over["offer_expires_at"] is None
    offered = (await _mine(client, other))[other_waiting["id"]]
    assert offered["status"] == "offered" and offered["offer_expires_at"] is not None
    shown = (await client.get(f"/childcare/v1/institutions/{second.id}")).json()
    assert (shown["enrolled"], shown["offered"], shown["vacancies"]) == (0, 1, 0)

    # once the child gives up the place at 一园, the next place at 二园 is the child's
    gave_up = await client.post(f"/childcare/v1/enrollments/{at_first['id']}/withdraw", headers=mum)
    declined = await client.post(
        f"/childcare/v1/enrollments/{other_waiting['id']}/decline", headers=other
    )
    assert (gave_up.json()["status"], declined.json()["status"]) == ("withdrawn", "declined")

    assert (await _mine(client, dad))[dad_waiting["id"]]["status"] == "offered"
    shown = (await client.get(f"/childcare/v1/institutions/{second.id}")).json()
    assert (shown["enrolled"], shown["offered"], shown["vacancies"]) == (0, 1, 0)
