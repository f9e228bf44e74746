"""Children and the enrollment lifecycle: enrolled, waitlisted, offered, accepted, declined,
withdrawn, expired — with FIFO positions, and the problems for every bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, update

from common.clock import Clock, city_today
from common.state import service_context
from services.childcare.enrollments.tasks import sweep_expired_offers
from services.childcare.models import Enrollment, access_audit
from tests.childcare.factories import (
    add_institution,
    apply,
    birth_months_ago,
    register_child,
    start_in_a_week,
)
from tests.fixtures.tokens import DevTokens

TTL = timedelta(hours=48)


async def test_registering_a_child_keeps_only_a_masked_id(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    parent = tokens.headers("parent-id", "citizen")

    r = await client.post(
        "/childcare/v1/children",
        json={
            "name": "萱萱",
            "birth_date": birth_months_ago(24),
            "id_number": "150105202403010023",
        },
        headers=parent,
    )

    body = r.json()
    assert r.status_code == 201, r.text
    assert body["id_number_masked"] == "1501**********0023"
    assert "150105202403010023" not in r.text
    assert body["age_months"] in (23, 24)
    # another guardian's registration of the same ID is told nothing (see children/test_identity)
    again = await client.post(
        "/childcare/v1/children",
        json={
            "name": "别名",
            "birth_date": birth_months_ago(24),
            "id_number": "150105202403010023",
        },
        headers=tokens.headers("other-parent", "citizen"),
    )
    assert again.status_code == 201 and again.json()["id"] != body["id"]


async def test_bad_child_input_is_a_problem(client: httpx.AsyncClient, tokens: DevTokens) -> None:
    parent = tokens.headers("parent-bad", "citizen")
    future = (city_today() + timedelta(days=3)).isoformat()
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"name": "a", "birth_date": future}, 422, "birth_date_in_future"),
        ({"name": "a", "birth_date": birth_months_ago(40)}, 422, "child_too_old"),
        (
            {"name": "a", "birth_date": birth_months_ago(10), "id_number": "123456789012345678"},
            422,
            "invalid_id_number",
        ),
        ({"name": "", "birth_date": birth_months_ago(10)}, 422, "validation_error"),
        (
            {"name": "a", "birth_date": birth_months_ago(10), "guardian_sub": "x"},
            422,
            "validation_error",
        ),
    ]
    for body, status, code in cases:
        r = await client.post("/childcare/v1/children", json=body, headers=parent)
        assert (r.status_code, r.json()["code"]) == (status, code), body


async def test_places_fill_then_the_waitlist_is_fifo(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=2)
    results = []
    for n in range(5):
        parent = tokens.headers(f"fifo-{n}", "citizen")
        child = await register_child(client, parent, f"孩子{n}")
        results.append((await apply(client, parent, child, inst.id)).json())

    assert [r["status"] for r in results] == [
        "enrolled",
        "enrolled",
        "waitlisted",
        "waitlisted",
        "waitlisted",
    ]
    assert [r["waitlist_position"] for r in results] == [None, None, 1, 2, 3]
    shown = (await client.get(f"/childcare/v1/institutions/{inst.id}")).json()
    assert (shown["enrolled"], shown["offered"], shown["vacancies"]) == (2, 0, 0)


async def test_withdrawal_offers_the_place_to_the_head_and_positions_move_up(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=1)
    parents = [tokens.headers(f"mv-{n}", "citizen") for n in range(4)]
    ids = []
    for n, parent in enumerate(parents):
        ids.append(
            (
                await apply(client, parent, await register_child(client, parent, f"娃{n}"), inst.id)
            ).json()["id"]
        )

    w = await client.post(f"/childcare/v1/enrollments/{ids[0]}/withdraw", headers=parents[0])

    assert w.json()["status"] == "withdrawn"
    offered = (await client.get(f"/childcare/v1/enrollments/{ids[1]}", headers=parents[1])).json()
    assert offered["status"] == "offered"
    expires = datetime.fromisoformat(offered["offer_expires_at"])
    assert timedelta(hours=47) < expires - datetime.now(UTC) <= TTL
    third = (await client.get(f"/childcare/v1/enrollments/{ids[2]}", headers=parents[2])).json()
    fourth = (await client.get(f"/childcare/v1/enrollments/{ids[3]}", headers=parents[3])).json()
    assert (third["waitlist_position"], fourth["waitlist_position"]) == (1, 2)
    shown = (await client.get(f"/childcare/v1/institutions/{inst.id}")).json()
    assert (shown["enrolled"], shown["offered"]) == (0, 1)

    accepted = await client.post(f"/childcare/v1/enrollments/{ids[1]}/accept", headers=parents[1])
    assert accepted.json()["status"] == "enrolled" and accepted.json()["offer_expires_at"] is None
    shown = (await client.get(f"/childcare/v1/institutions/{inst.id}")).json()
    assert (shown["enrolled"], shown["offered"]) == (1, 0)


async def test_declining_passes_the_offer_to_the_next_child(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=1)
    parents = [tokens.headers(f"dc-{n}", "citizen") for n in range(3)]
    ids = [
        (await apply(client, p, await register_child(client, p, f"宝{n}"), inst.id)).json()["id"]
        for n, p in enumerate(parents)
    ]
    await client.post(f"/childcare/v1/enrollments/{ids[0]}/withdraw", headers=parents[0])

    d = await client.post(f"/childcare/v1/enrollments/{ids[1]}/decline", headers=parents[1])

    assert d.json()["status"] == "declined"
    assert (await client.get(f"/childcare/v1/enrollments/{ids[2]}", headers=parents[2])).json()[
        "status"
    ] == "offered"
    again = await client.post(f"/childcare/v1/enrollments/{ids[1]}/accept", headers=parents[1])
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


async def test_expired_offer_passes_to_the_next_child(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=1)
    parents = [tokens.headers(f"ex-{n}", "citizen") for n in range(3)]
    ids = [
        (await apply(client, p, await register_child(client, p, f"乐{n}"), inst.id)).json()["id"]
        for n, p in enumerate(parents)
    ]
    await client.post(f"/childcare/v1/enrollments/{ids[0]}/withdraw", headers=parents[0])
    async with service_context(childcare_app).database.sessionmaker() as session:
        await session.execute(
            update(Enrollment)
            .where(Enrollment.id == ids[1])
            .values(offer_expires_at=func.now() - timedelta(minutes=1))
        )
        await session.commit()
    # the periodic task's own entry point, as the service's background loop calls it
    sweep = sweep_expired_offers(
        service_context(childcare_app).database.sessionmaker, clock=Clock(), offer_ttl=TTL
    )
    assert await sweep == 1

    assert (await client.get(f"/childcare/v1/enrollments/{ids[1]}", headers=parents[1])).json()[
        "status"
    ] == "expired"
    assert (await client.get(f"/childcare/v1/enrollments/{ids[2]}", headers=parents[2])).json()[
        "status"
    ] == "offered"
    late = await client.post(f"/childcare/v1/enrollments/{ids[1]}/accept", headers=parents[1])
    assert late.status_code == 409


async def test_accepting_withdraws_the_childs_other_applications(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    a = await add_institution(childcare_app, capacity=1, name="甲园")
    b = await add_institution(childcare_app, capacity=1, name="乙园")
    holder_a, holder_b = tokens.headers("hold-a", "citizen"), tokens.headers("hold-b", "citizen")
    first_a = (
        await apply(client, holder_a, await register_child(client, holder_a, "占位甲"), a.id)
    ).json()["id"]
    await apply(client, holder_b, await register_child(client, holder_b, "占位乙"), b.id)
    parent = tokens.headers("two-apps", "citizen")
    child = await register_child(client, parent, "两份申请")
    at_a = (await apply(client, parent, child, a.id)).json()["id"]
    at_b = (await apply(client, parent, child, b.id)).json()["id"]
    await client.post(f"/childcare/v1/enrollments/{first_a}/withdraw", headers=holder_a)

    await client.post(f"/childcare/v1/enrollments/{at_a}/accept", headers=parent)

    mine = {
        e["id"]: e["status"]
        for e in (await client.get("/childcare/v1/enrollments", headers=parent)).json()["items"]
    }
    assert mine == {at_a: "enrolled", at_b: "withdrawn"}
    again = await apply(client, parent, child, b.id)
    assert again.status_code == 409 and again.json()["code"] == "child_already_enrolled"


async def test_raising_capacity_offers_the_new_places(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=1)
    parents = [tokens.headers(f"cap-{n}", "citizen") for n in range(4)]
    ids = [
        (await apply(client, p, await register_child(client, p, f"容{n}"), inst.id)).json()["id"]
        for n, p in enumerate(parents)
    ]
    staff = tokens.headers("staff-cap", "childcare_staff")

    r = await client.patch(
        f"/childcare/v1/institutions/{inst.id}", json={"capacity": 3}, headers=staff
    )

    assert (
        r.json()["capacity"],
        r.json()["enrolled"],
        r.json()["offered"],
        r.json()["vacancies"],
    ) == (3, 1, 2, 0)
    statuses = [
        (await client.get(f"/childcare/v1/enrollments/{i}", headers=p)).json()["status"]
        for i, p in zip(ids, parents, strict=True)
    ]
    assert statuses == ["enrolled", "offered", "offered", "waitlisted"]
    lower = await client.patch(
        f"/childcare/v1/institutions/{inst.id}", json={"capacity": 2}, headers=staff
    )
    assert lower.status_code == 409 and lower.json()["code"] == "capacity_below_taken"
    citizen = await client.patch(
        f"/childcare/v1/institutions/{inst.id}", json={"capacity": 9}, headers=parents[0]
    )
    assert citizen.status_code == 403


async def test_enrollment_rules_give_stable_codes(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    toddlers = await add_institution(childcare_app, min_age_months=24, max_age_months=36)
    babies = await add_institution(childcare_app, min_age_months=0, max_age_months=12)
    parent = tokens.headers("rules", "citizen")
    child = await register_child(client, parent, "规则", months=18)
    yesterday = (city_today() - timedelta(days=1)).isoformat()

    young = await apply(client, parent, child, toddlers.id)
    old = await apply(client, parent, child, babies.id)
    past = await client.post(
        "/childcare/v1/enrollments",
        json={"child_id": child, "institution_id": babies.id, "start_date": yesterday},
        headers=parent,
    )
    nowhere = await apply(client, parent, child, 99_999_999)
    ok = await apply(client, parent, child, (await add_institution(childcare_app)).id)
    duplicate = await apply(client, parent, child, ok.json()["institution_id"])
    strict = await client.post(
        "/childcare/v1/enrollments",
        json={"child_id": str(child), "institution_id": babies.id, "start_date": start_in_a_week()},
        headers=parent,
    )

    assert (young.status_code, young.json()["code"]) == (422, "child_too_young")
    assert (old.status_code, old.json()["code"]) == (422, "child_too_old")
    assert (past.status_code, past.json()["code"]) == (422, "start_date_in_past")
    assert (nowhere.status_code, nowhere.json()["code"]) == (404, "institution_not_found")
    assert ok.status_code == 201
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "duplicate_application")
    assert (strict.status_code, strict.json()["code"]) == (422, "validation_error")


async def test_another_citizens_records_are_404(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    owner, stranger = tokens.headers("owner", "citizen"), tokens.headers("stranger", "citizen")
    child = await register_child(client, owner, "隐私")
    enrollment = (
        await apply(client, owner, child, (await add_institution(childcare_app)).id)
    ).json()["id"]

    for method, url in [
        ("GET", f"/childcare/v1/children/{child}"),
        ("GET", f"/childcare/v1/enrollments/{enrollment}"),
        ("POST", f"/childcare/v1/enrollments/{enrollment}/withdraw"),
    ]:
        r = await client.request(method, url, headers=stranger)
        assert r.status_code == 404, url
    foreign = await apply(client, stranger, child, (await add_institution(childcare_app)).id)
    assert (foreign.status_code, foreign.json()["code"]) == (404, "child_not_found")
    assert (await client.get("/childcare/v1/children", headers=stranger)).json()["items"] == []
    assert (await client.get("/childcare/v1/children")).status_code == 401


async def test_enrollment_post_replays_with_the_same_key(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=5)
    parent = tokens.headers("replay", "citizen")
    child = await register_child(client, parent, "重试")
    body = {"child_id": child, "institution_id": inst.id, "start_date": start_in_a_week()}
    headers = {**parent, "Idempotency-Key": "enroll-1"}

    first = await client.post("/childcare/v1/enrollments", json=body, headers=headers)
    retry = await client.post("/childcare/v1/enrollments", json=body, headers=headers)
    other = await client.post(
        "/childcare/v1/enrollments",
        json={**body, "start_date": city_today().isoformat()},
        headers=headers,
    )

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry.headers["idempotent-replayed"] == "true"
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert (await client.get(f"/childcare/v1/institutions/{inst.id}")).json()["enrolled"] == 1


async def test_roster_lists_places_and_is_audited(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=1)
    parents = [tokens.headers(f"ro-{n}", "citizen") for n in range(3)]
    for n, p in enumerate(parents):
        await apply(client, p, await register_child(client, p, f"名册{n}"), inst.id)
    staff = tokens.headers("staff-roster", "childcare_staff")

    roster = (
        await client.get(f"/childcare/v1/institutions/{inst.id}/roster", headers=staff)
    ).json()

    assert [e["child_name"] for e in roster["enrolled"]] == ["名册0"]
    assert [(e["child_name"], e["waitlist_position"]) for e in roster["waitlisted"]] == [
        ("名册1", 1),
        ("名册2", 2),
    ]
    async with service_context(childcare_app).database.sessionmaker() as session:
        audits = (
            await session.execute(
                select(access_audit)
                .where(access_audit.c.actor_sub == "staff-roster")
                .order_by(access_audit.c.id)
            )
        ).all()
    # one row per child the roster showed (PIPL: minors' data), none naming nobody
    shown = [
        e["child_id"] for group in ("enrolled", "offered", "waitlisted") for e in roster[group]
    ]
    assert [(a.action, a.resource) for a in audits] == [
        ("read_roster", f"child/{child_id}") for child_id in shown
    ]
    assert len(shown) == 3
    admin = tokens.headers("admin-roster", "admin")
    listed = await client.get(
        "/childcare/v1/audit", params={"actor_sub": "staff-roster"}, headers=admin
    )
    assert [r["resource"] for r in listed.json()["items"]] == [
        f"child/{child_id}" for child_id in reversed(shown)
    ]
    assert (await client.get("/childcare/v1/audit", headers=staff)).status_code == 403
    denied = await client.get(f"/childcare/v1/institutions/{inst.id}/roster", headers=parents[0])
    assert denied.status_code == 403


async def test_guardian_with_a_place_sees_the_home_address(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    home = await add_institution(
        childcare_app, kind="home_based", address="家庭地址1号", capacity=3
    )
    parent, neighbour = (
        tokens.headers("home-parent", "citizen"),
        tokens.headers("home-other", "citizen"),
    )
    await apply(client, parent, await register_child(client, parent, "家托"), home.id)

    mine = (await client.get(f"/childcare/v1/institutions/{home.id}", headers=parent)).json()
    theirs = (await client.get(f"/childcare/v1/institutions/{home.id}", headers=neighbour)).json()

    assert mine["address"] == "家庭地址1号" and mine["location"]["approximate"] is False
    assert theirs["address"] is None and theirs["location"]["approximate"] is True


async def test_me_summary_has_children_and_enrollments_with_positions(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    inst = await add_institution(childcare_app, capacity=0)
    parent = tokens.headers("summary", "citizen")
    child = await register_child(client, parent, "汇总")
    await apply(client, parent, child, inst.id)

    summary = (await client.get("/childcare/v1/me/summary", headers=parent)).json()

    assert [c["name"] for c in summary["children"]] == ["汇总"]
    assert [(e["status"], e["waitlist_position"]) for e in summary["enrollments"]] == [
        ("waitlisted", 1)
    ]
