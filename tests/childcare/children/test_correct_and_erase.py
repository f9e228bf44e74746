"""Correcting and erasing a child (issue 16 §3, PIPL's right to deletion): `PATCH` under the
rules of registration, `DELETE` refused while a place or offer is live and otherwise removing
the child's data for real, the audit keeping the record's number and never the name; another
guardian's child is 404 for both."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import String, cast, func, select

from common.state import service_context
from services.childcare.models import (
    Child,
    Enrollment,
    access_audit,
    idempotency_key,
    notification_inbox,
    notification_outbox,
)
from tests.childcare.factories import add_institution, apply, birth_months_ago, register_child
from tests.fixtures.notices import deliver, inbox, kinds
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens

ID_NUMBER = "150105202403010023"


async def test_a_guardian_corrects_name_birth_date_and_id(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    mum = tokens.headers("fix-mum", "citizen")
    child = await register_child(client, mum, "小明", months=20)

    r = await client.patch(
        f"/childcare/v1/children/{child}",
        json={"name": "小明明", "birth_date": birth_months_ago(22), "id_number": ID_NUMBER},
        headers=mum,
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["id"], body["name"], body["birth_date"]) == (child, "小明明", birth_months_ago(22))
    assert body["age_months"] == 22
    assert body["id_number_masked"] == "1501**********0023"
    assert ID_NUMBER not in r.text
    read = (await client.get(f"/childcare/v1/children/{child}", headers=mum)).json()
    assert read == body
    cleared = await client.patch(
        f"/childcare/v1/children/{child}", json={"id_number": None}, headers=mum
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["id_number_masked"] is None
    assert cleared.json()["name"] == "小明明"


async def test_corrections_follow_the_rules_of_registration(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    mum = tokens.headers("fix-rules", "citizen")
    child = await register_child(client, mum, "甲", months=20)
    await register_child(client, mum, "乙", months=10)
    url = f"/childcare/v1/children/{child}"

    future = await client.patch(url, json={"birth_date": "2999-01-01"}, headers=mum)
    too_old = await client.patch(url, json={"birth_date": birth_months_ago(40)}, headers=mum)
    bad_id = await client.patch(url, json={"id_number": "150105202403010024"}, headers=mum)
    sibling = await client.patch(
        url, json={"name": "乙", "birth_date": birth_months_ago(10)}, headers=mum
    )
    null_name = await client.patch(url, json={"name": None}, headers=mum)
    unknown = await client.patch(url, json={"guardian_sub": "someone"}, headers=mum)

    assert_problem(too_old, 422, "child_too_old")
    assert_problem(future, 422, "birth_date_in_future")
    assert_problem(bad_id, 422, "invalid_id_number")
    assert_problem(sibling, 409, "child_already_registered")
    assert null_name.status_code == unknown.status_code == 422
    unchanged = (await client.get(url, headers=mum)).json()
    assert (unchanged["name"], unchanged["birth_date"]) == ("甲", birth_months_ago(20))


async def test_a_birth_date_must_stay_inside_every_active_applications_range(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, min_age_months=18, max_age_months=36)
    mum = tokens.headers("fix-range", "citizen")
    child = await register_child(client, mum, "丙", months=20)
    assert (await apply(client, mum, child, inst.id)).status_code == 201
    url = f"/childcare/v1/children/{child}"

    younger = await client.patch(url, json={"birth_date": birth_months_ago(10)}, headers=mum)
    new_id = await client.patch(url, json={"id_number": ID_NUMBER}, headers=mum)
    fine = await client.patch(url, json={"birth_date": birth_months_ago(24)}, headers=mum)

    body = assert_problem(younger, 422, "child_too_young")
    assert "测试托育园" in str(body["detail"])
    assert_problem(new_id, 409, "child_identity_in_use")
    assert fine.status_code == 200 and fine.json()["age_months"] == 24


async def test_another_guardian_can_neither_correct_nor_erase_a_child(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    mum = tokens.headers("bola-mum", "citizen")
    stranger = tokens.headers("bola-stranger", "citizen")
    child = await register_child(client, mum, "丁")
    url = f"/childcare/v1/children/{child}"

    patched = await client.patch(url, json={"name": "偷改"}, headers=stranger)
    erased = await client.delete(url, headers=stranger)
    anonymous = await client.delete(url)

    assert_problem(patched, 404, "child_not_found")
    assert_problem(erased, 404, "child_not_found")
    assert anonymous.status_code == 401
    assert (await client.get(url, headers=mum)).json()["name"] == "丁"


async def test_erasure_is_refused_while_a_place_is_held_then_removes_everything(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=1)
    mum = tokens.headers("erase-mum", "citizen")
    name = "要删除的孩子"
    registered = await client.post(
        "/childcare/v1/children",
        json={"name": name, "birth_date": birth_months_ago(20), "id_number": ID_NUMBER},
        headers={**mum, "Idempotency-Key": "erase-register-1"},
    )
    child = registered.json()["id"]
    place = (await apply(client, mum, child, inst.id)).json()
    assert place["status"] == "enrolled"
    url = f"/childcare/v1/children/{child}"

    refused = await client.delete(url, headers=mum)
    assert_problem(refused, 409, "child_has_place")
    assert (await client.get(url, headers=mum)).status_code == 200

    withdrawn = await client.post(f"/childcare/v1/enrollments/{place['id']}/withdraw", headers=mum)
    assert withdrawn.status_code == 200, withdrawn.text
    await deliver(childcare_app)
    told = await inbox(client, "childcare", mum)
    assert kinds(told) == ["childcare.enrolled"] and name in told["items"][0]["body"]
    erased = await client.delete(url, headers=mum)

    assert erased.status_code == 204 and erased.content == b""
    assert_problem(await client.get(url, headers=mum), 404, "child_not_found")
    assert_problem(await client.delete(url, headers=mum), 404, "child_not_found")
    mine = (await client.get("/childcare/v1/enrollments", headers=mum)).json()
    assert mine["items"] == []
    async with service_context(childcare_app).database.sessionmaker() as session:
        children = await session.scalar(select(func.count()).where(Child.id == child))
        enrollments = await session.scalar(select(func.count()).where(Enrollment.child_id == child))
        stored = await session.scalar(
            select(func.count()).where(cast(idempotency_key.c.response_body, String).contains(name))
        )
        notices = [
            await session.scalar(
                select(func.count()).where(cast(t.c.params, String).contains(name))
            )
            for t in (notification_outbox, notification_inbox)
        ]
        audits = (
            await session.execute(
                select(access_audit).where(access_audit.c.resource == f"child/{child}")
            )
        ).all()
    assert (children, enrollments, stored) == (0, 0, 0)
    assert notices == [0, 0]  # the notices named the child: erased with the record
    assert (await inbox(client, "childcare", mum))["items"] == []
    assert [(a.actor_sub, a.action) for a in audits] == [("erase-mum", "erase_child")]
    assert all(name not in str(tuple(a)) for a in audits)
    # the place the child gave up is free again
    inst_now = (await client.get(f"/childcare/v1/institutions/{inst.id}")).json()
    assert inst_now["vacancies"] == 1


async def test_erasing_a_waiting_child_moves_the_children_behind_up(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=1)
    parents = [tokens.headers(f"erase-wait-{n}", "citizen") for n in range(3)]
    children = [await register_child(client, p, f"等{n}") for n, p in enumerate(parents)]
    pairs = zip(parents, children, strict=True)
    results = [(await apply(client, p, c, inst.id)).json() for p, c in pairs]
    assert [r["waitlist_position"] for r in results] == [None, 1, 2]

    erased = await client.delete(f"/childcare/v1/children/{children[1]}", headers=parents[1])

    assert erased.status_code == 204
    last = await client.get(f"/childcare/v1/enrollments/{results[2]['id']}", headers=parents[2])
    assert last.json()["waitlist_position"] == 1
    staff = tokens.headers("erase-staff", "childcare_staff")
    roster_url = f"/childcare/v1/institutions/{inst.id}/roster"
    roster = (await client.get(roster_url, headers=staff)).json()
    assert [e["child_name"] for e in roster["waitlisted"]] == ["等2"]
