"""An elder's address, phone and emergency contact (issue 16 §3): given at registration, whole
on a read of one profile for the elder, linked family and staff (staff audited), masked in
every list; `PATCH /eldercare/v1/elders/{id}` by the elder, linked family or staff under the
rules of registration, every change audited; to anyone else the profile does not exist."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.eldercare.factories import add_community, audit_rows, create_elder, years_ago
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens

ADDRESS = "赛罕区人民路街道兴康社区3号楼2单元501"
CONTACT = {"name": "张丽", "phone": "13912345678", "relation": "女儿"}


async def _mum(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    return await create_elder(
        client, headers, address=ADDRESS, phone="0471-6912345", emergency_contact=CONTACT
    )


async def test_contact_details_are_whole_on_one_profile_and_masked_in_lists(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    daughter = tokens.headers("contact-daughter", "citizen")
    staff = tokens.headers("contact-staff", "eldercare_staff")
    mum = await _mum(client, daughter)
    url = f"/eldercare/v1/elders/{mum['id']}"

    family_read = (await client.get(url, headers=daughter)).json()
    family_list = (await client.get("/eldercare/v1/elders", headers=daughter)).json()
    staff_read = (await client.get(url, headers=staff)).json()
    staff_list = (await client.get("/eldercare/v1/elders", headers=staff)).json()

    assert (mum["address"], mum["phone"], mum["emergency_contact"]) == (
        ADDRESS,
        "0471-6912345",
        CONTACT,
    )
    for whole in (family_read, staff_read):
        assert (whole["address"], whole["phone"]) == (ADDRESS, "0471-6912345")
        assert whole["emergency_contact"] == CONTACT
    listed = [e for e in family_list["items"] + staff_list["items"] if e["id"] == mum["id"]]
    assert len(listed) == 2
    for masked in listed:
        assert masked["address"] == "赛罕区人民路街****"
        assert masked["phone"] == "047****2345"
        assert masked["emergency_contact"] == {
            "name": "张*",
            "phone": "139****5678",
            "relation": "女儿",
        }
        assert ADDRESS not in str(masked) and "13912345678" not in str(masked)
    actions = [r["action"] for r in await audit_rows(eldercare_app, f"elder/{mum['id']}")]
    assert actions == ["read_elder", "read_elder"]  # staff's read and list; family's are not


async def test_family_corrects_the_profile_and_the_change_is_audited(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    daughter = tokens.headers("fix-daughter", "citizen")
    mum = await _mum(client, daughter)
    community = await add_community(eldercare_app)
    url = f"/eldercare/v1/elders/{mum['id']}"

    r = await client.patch(
        url,
        json={
            "name": "王秀英",
            "birth_date": years_ago(83),
            "community_id": community.id,
            "lives_alone": False,
            "care_needs": ["meal", "meal", "cleaning"],
            "address": "新城区海东路12号",
            "emergency_contact": None,
        },
        headers=daughter,
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["age_years"], body["community_id"], body["lives_alone"]) == (
        83,
        community.id,
        False,
    )
    assert body["care_needs"] == ["meal", "cleaning"]
    assert (body["address"], body["phone"], body["emergency_contact"]) == (
        "新城区海东路12号",
        "0471-6912345",
        None,
    )
    assert body["relation"] == "family"
    assert (await client.get(url, headers=daughter)).json() == body
    [row] = await audit_rows(eldercare_app, f"elder/{mum['id']}")
    assert (row["actor_sub"], row["action"]) == ("fix-daughter", "update_elder")
    cleared = await client.patch(url, json={"community_id": None, "phone": None}, headers=daughter)
    assert (cleared.json()["community_id"], cleared.json()["phone"]) == (None, None)


async def test_the_elder_and_staff_may_correct_staff_audited(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    li = tokens.headers("fix-li", "citizen")
    staff = tokens.headers("fix-staff", "eldercare_staff")
    own = await create_elder(client, li, name="李大娘", birth_date=years_ago(67), acting_as="self")
    url = f"/eldercare/v1/elders/{own['id']}"

    by_herself = await client.patch(url, json={"phone": "13800001111"}, headers=li)
    by_staff = await client.patch(
        url, json={"emergency_contact": {"name": "李强", "phone": "13700002222"}}, headers=staff
    )

    assert by_herself.status_code == 200 and by_herself.json()["relation"] == "self"
    assert by_staff.status_code == 200, by_staff.text
    assert by_staff.json()["relation"] is None
    assert by_staff.json()["emergency_contact"] == {
        "name": "李强",
        "phone": "13700002222",
        "relation": None,
    }
    assert by_staff.json()["phone"] == "13800001111"
    rows = await audit_rows(eldercare_app, f"elder/{own['id']}")
    assert [(r["actor_sub"], r["action"]) for r in rows] == [
        ("fix-li", "update_elder"),
        ("fix-staff", "update_elder"),
    ]


async def test_corrections_follow_the_rules_and_strangers_get_404(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    daughter = tokens.headers("rules-daughter", "citizen")
    stranger = tokens.headers("rules-stranger", "citizen")
    mum = await _mum(client, daughter)
    url = f"/eldercare/v1/elders/{mum['id']}"

    young = await client.patch(url, json={"birth_date": years_ago(50)}, headers=daughter)
    future = await client.patch(url, json={"birth_date": "2999-01-01"}, headers=daughter)
    nowhere = await client.patch(url, json={"community_id": 999999}, headers=daughter)
    null_name = await client.patch(url, json={"name": None}, headers=daughter)
    half_contact = await client.patch(
        url, json={"emergency_contact": {"name": "张丽"}}, headers=daughter
    )
    bad_phone = await client.patch(url, json={"phone": "call me"}, headers=daughter)
    theirs = await client.patch(url, json={"name": "偷改"}, headers=stranger)
    missing = await client.patch(
        "/eldercare/v1/elders/999999", json={"name": "x"}, headers=daughter
    )
    anonymous = await client.patch(url, json={"name": "x"})

    assert_problem(young, 422, "not_an_elder")
    assert_problem(future, 422, "birth_date_in_future")
    assert_problem(nowhere, 404, "community_not_found")
    for invalid in (null_name, half_contact, bad_phone):
        assert_problem(invalid, 422, "validation_error")
    assert_problem(theirs, 404, "elder_not_found")
    assert_problem(missing, 404, "elder_not_found")
    assert theirs.json()["detail"].replace(str(mum["id"]), "N") == missing.json()["detail"].replace(
        "999999", "N"
    )
    assert anonymous.status_code == 401
    unchanged = (await client.get(url, headers=daughter)).json()
    assert unchanged == {**mum, "last_visited_at": None}
    assert await audit_rows(eldercare_app, f"elder/{mum['id']}") == []
