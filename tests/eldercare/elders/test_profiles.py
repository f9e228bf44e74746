"""Elder profiles: who creates them, who reads them (others get 404), staff reads audited one
row each, national IDs never in clear."""

from __future__ import annotations

import json
import re

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from common.state import service_context
from services.eldercare.models import access_audit
from tests.eldercare.factories import (
    add_community,
    audit_rows,
    create_elder,
    elder_body,
    id_number,
    years_ago,
)
from tests.fixtures.plugin import LogOutput
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens

ID_PATTERN = re.compile(r"\d{17}[\dXx]")
MUM_ID = id_number("15010419440312002")


async def test_a_family_member_registers_mum_and_is_linked(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    home = await add_community(
        eldercare_app, name="三顺店测试社区", district="回民区", lat=40.8125, lon=111.6520
    )
    daughter = tokens.headers("daughter-1", "citizen")

    mum = await create_elder(
        client,
        daughter,
        id_number=MUM_ID,
        community_id=home.id,
        care_needs=["meal", "companionship", "meal"],
        family_citizen_ids=["son-1"],
    )

    assert mum["relation"] == "family" and mum["created_by"] == "family"
    assert mum["id_number_masked"] == MUM_ID[:4] + "*" * 10 + MUM_ID[-4:]
    assert mum["age_years"] in (81, 82) and mum["lives_alone"] is True
    assert mum["community_name"] == "三顺店测试社区"
    assert mum["care_needs"] == ["meal", "companionship"]
    assert mum["family_citizen_ids"] == ["daughter-1", "son-1"]
    assert mum["suspected_duplicate"] is None  # staff only
    son_view = await client.get(
        f"/eldercare/v1/elders/{mum['id']}", headers=tokens.headers("son-1")
    )
    assert son_view.json()["relation"] == "family" and son_view.json()["name"] == "王秀英"
    listed = await client.get("/eldercare/v1/elders", headers=daughter)
    assert [e["id"] for e in listed.json()["items"]] == [mum["id"]]
    assert listed.headers["cache-control"] == "no-store"
    assert await audit_rows(eldercare_app, f"elder/{mum['id']}") == []  # family reads: no audit


async def test_an_elder_registers_themself_once(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    li = tokens.headers("li-daniang", "citizen")

    own = await create_elder(client, li, name="李大娘", birth_date=years_ago(67), acting_as="self")
    again = await client.post(
        "/eldercare/v1/elders", json=elder_body(name="李大娘", acting_as="self"), headers=li
    )

    assert own["relation"] == "self" and own["created_by"] == "self"
    assert own["family_citizen_ids"] == []
    assert_problem(again, 409, "elder_profile_exists")


async def test_another_citizen_gets_404_for_everything_about_the_elder(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    mum = await create_elder(client, tokens.headers("daughter-2", "citizen"))
    stranger = tokens.headers("stranger-2", "citizen")

    one = await client.get(f"/eldercare/v1/elders/{mum['id']}", headers=stranger)
    missing = await client.get("/eldercare/v1/elders/424242", headers=stranger)
    listed = await client.get("/eldercare/v1/elders", headers=stranger)

    assert_problem(one, 404, "elder_not_found")
    assert one.json()["detail"] == f"老人 {mum['id']} 不存在。"
    assert_problem(missing, 404, "elder_not_found")  # the same answer as a real one
    assert listed.json() == {"items": [], "next_cursor": None}
    assert_problem(await client.get("/eldercare/v1/elders"), 401, "unauthenticated")
    jobs = tokens.headers("jobs-staff-1", "jobs_staff")
    assert_problem(await client.get("/eldercare/v1/elders", headers=jobs), 403, "forbidden")


async def test_each_staff_read_writes_exactly_one_audit_row(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    mum = await create_elder(client, tokens.headers("daughter-3", "citizen"), id_number=MUM_ID)
    staff = {**tokens.headers("staff-3", "eldercare_staff"), "X-Request-ID": "audit-read-1"}

    r = await client.get(f"/eldercare/v1/elders/{mum['id']}", headers=staff)

    assert r.status_code == 200 and r.json()["relation"] is None
    assert r.json()["suspected_duplicate"] is False
    [row] = await audit_rows(eldercare_app, f"elder/{mum['id']}")
    assert (row["actor_sub"], row["actor_roles"], row["action"]) == (
        "staff-3",
        "eldercare_staff",
        "read_elder",
    )
    assert row["request_id"] == "audit-read-1" and row["purpose"]
    assert not any(ID_PATTERN.search(str(v)) for v in row.values())
    await client.get(f"/eldercare/v1/elders/{mum['id']}", headers=staff)
    assert len(await audit_rows(eldercare_app, f"elder/{mum['id']}")) == 2


async def test_a_staff_list_audits_each_elder_shown(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    home = await add_community(eldercare_app, name="审计社区")
    ids = [
        (await create_elder(client, tokens.headers(f"kin-{n}", "citizen"), community_id=home.id))[
            "id"
        ]
        for n in range(3)
    ]
    staff = tokens.headers("staff-4", "eldercare_staff")

    first = await client.get(
        "/eldercare/v1/elders", params={"community_id": home.id, "limit": 2}, headers=staff
    )
    rest = await client.get(
        "/eldercare/v1/elders",
        params={"community_id": home.id, "limit": 2, "cursor": first.json()["next_cursor"]},
        headers=staff,
    )

    assert [e["id"] for e in first.json()["items"] + rest.json()["items"]] == ids
    for elder_id in ids:
        assert len(await audit_rows(eldercare_app, f"elder/{elder_id}")) == 1


async def test_staff_register_an_elder_with_their_account_audited(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    staff = tokens.headers("staff-5", "eldercare_staff")

    r = await client.post(
        "/eldercare/v1/elders",
        json=elder_body(elder_citizen_id="grandpa-5", family_citizen_ids=["grandson-5"]),
        headers=staff,
    )

    assert r.status_code == 201, r.text
    elder = r.json()
    assert elder["created_by"] == "staff" and elder["relation"] is None
    [row] = await audit_rows(eldercare_app, f"elder/{elder['id']}")
    assert row["action"] == "create_elder"
    own = await client.get(
        f"/eldercare/v1/elders/{elder['id']}", headers=tokens.headers("grandpa-5")
    )
    assert own.json()["relation"] == "self"


async def test_rules_of_registration(client: httpx.AsyncClient, tokens: DevTokens) -> None:
    citizen = tokens.headers("rules-1", "citizen")

    young = await client.post(
        "/eldercare/v1/elders", json=elder_body(birth_date=years_ago(59)), headers=citizen
    )
    future = await client.post(
        "/eldercare/v1/elders", json=elder_body(birth_date="2999-01-01"), headers=citizen
    )
    bad_id = await client.post(
        "/eldercare/v1/elders", json=elder_body(id_number="150104194403120020"), headers=citizen
    )
    as_staff = await client.post(
        "/eldercare/v1/elders", json=elder_body(acting_as="staff"), headers=citizen
    )
    subject = await client.post(
        "/eldercare/v1/elders", json=elder_body(elder_citizen_id="someone"), headers=citizen
    )
    community = await client.post(
        "/eldercare/v1/elders", json=elder_body(community_id=424242), headers=citizen
    )
    await create_elder(client, citizen, id_number=MUM_ID)
    twice = await client.post(
        "/eldercare/v1/elders", json=elder_body(id_number=MUM_ID), headers=citizen
    )

    assert_problem(young, 422, "not_an_elder")
    assert_problem(future, 422, "birth_date_in_future")
    assert_problem(bad_id, 422, "invalid_id_number")
    assert_problem(as_staff, 403, "role_not_held")
    assert_problem(subject, 422, "elder_citizen_id_only_for_staff")
    assert_problem(community, 404, "community_not_found")
    assert_problem(twice, 409, "elder_already_registered")
    # another family's registration of the same ID is accepted; staff see the duplicate
    other = await create_elder(client, tokens.headers("rules-2", "citizen"), id_number=MUM_ID)
    staff_view = await client.get(
        f"/eldercare/v1/elders/{other['id']}", headers=tokens.headers("s", "eldercare_staff")
    )
    assert staff_view.json()["suspected_duplicate"] is True


async def test_national_ids_never_appear_in_responses_or_logs(
    client: httpx.AsyncClient, tokens: DevTokens, log_output: LogOutput
) -> None:
    citizen = tokens.headers("pipl-1", "citizen")
    staff = tokens.headers("pipl-staff", "eldercare_staff")
    bodies: list[str] = []

    created = await client.post(
        "/eldercare/v1/elders",
        json=elder_body(id_number=MUM_ID),
        headers={**citizen, "Idempotency-Key": "pipl-create-1"},
    )
    replay = await client.post(
        "/eldercare/v1/elders",
        json=elder_body(id_number=MUM_ID),
        headers={**citizen, "Idempotency-Key": "pipl-create-1"},
    )
    bad = await client.post(
        "/eldercare/v1/elders", json=elder_body(id_number=MUM_ID[:17] + "0"), headers=citizen
    )
    elder_id = created.json()["id"]
    for r in (
        created,
        replay,
        bad,
        await client.get(f"/eldercare/v1/elders/{elder_id}", headers=citizen),
        await client.get(f"/eldercare/v1/elders/{elder_id}", headers=staff),
        await client.get("/eldercare/v1/elders", headers=staff),
        await client.get("/eldercare/v1/audit", headers=tokens.headers("admin-1", "admin")),
    ):
        assert r.status_code < 500
        bodies.append(r.text)

    assert replay.headers["idempotent-replayed"] == "true"
    assert not any(ID_PATTERN.search(b) for b in bodies)
    logs = log_output.getvalue()
    records = [json.loads(line) for line in logs.splitlines()]
    assert sum(r.get("msg") == "request" for r in records) >= 7  # the run was logged
    assert not ID_PATTERN.search(logs)


async def test_admins_page_the_audit_newest_first(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    mum = await create_elder(client, tokens.headers("daughter-6", "citizen"))
    staff = tokens.headers("staff-6", "eldercare_staff")
    for n in range(3):
        await client.get(
            f"/eldercare/v1/elders/{mum['id']}", headers={**staff, "X-Request-ID": f"r-{n}"}
        )
    admin = tokens.headers("admin-6", "admin")

    first = await client.get(
        "/eldercare/v1/audit", params={"resource": f"elder/{mum['id']}", "limit": 2}, headers=admin
    )
    rest = await client.get(
        "/eldercare/v1/audit",
        params={
            "resource": f"elder/{mum['id']}",
            "limit": 2,
            "cursor": first.json()["next_cursor"],
        },
        headers=admin,
    )

    rows = first.json()["items"] + rest.json()["items"]
    assert [r["request_id"] for r in rows] == ["r-2", "r-1", "r-0"]
    assert rows[0]["actor_roles"] == ["eldercare_staff"] and rows[0]["action"] == "read_elder"
    assert rest.json()["next_cursor"] is None
    assert_problem(await client.get("/eldercare/v1/audit", headers=staff), 403, "forbidden")
    async with service_context(eldercare_app).database.sessionmaker() as session:
        total = await session.scalar(select(func.count()).select_from(access_audit))
    assert total is not None and total >= 3


async def test_an_idempotent_replay_of_a_staff_write_is_audited_too(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    """The stored answer shows the record again: staff seeing it again is written down."""
    staff = {**tokens.headers("staff-replay", "eldercare_staff"), "Idempotency-Key": "replay-1"}

    first = await client.post("/eldercare/v1/elders", json=elder_body(), headers=staff)
    again = await client.post("/eldercare/v1/elders", json=elder_body(), headers=staff)

    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    rows = await audit_rows(eldercare_app, f"elder/{first.json()['id']}")
    assert [(r["actor_sub"], r["action"]) for r in rows] == [
        ("staff-replay", "create_elder"),
        ("staff-replay", "create_elder_replayed"),
    ]
