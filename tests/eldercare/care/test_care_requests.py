"""Care requests (2+X+N): who may ask and see, the lifecycle and its history, prices in fen,
staff access audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from common.clock import city_today
from tests.eldercare.factories import audit_rows, create_elder
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


async def _ask(
    client: httpx.AsyncClient, headers: dict[str, str], elder_id: int, **body: Any
) -> httpx.Response:
    return await client.post(
        "/eldercare/v1/care-requests",
        json={"elder_id": elder_id, "care_type": "meal", **body},
        headers=headers,
    )


async def test_family_asks_staff_assign_a_paid_provider_and_complete(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    daughter = tokens.headers("care-d1", "citizen")
    mum = await create_elder(client, daughter)
    staff = tokens.headers("care-s1", "eldercare_staff")
    tomorrow = (city_today() + timedelta(days=1)).isoformat()

    asked = await _ask(
        client,
        daughter,
        mum["id"],
        care_type="cleaning",
        provider_category="market",
        details="每周两次",
        preferred_date=tomorrow,
    )
    request_id = asked.json()["id"]
    assigned = await client.post(
        f"/eldercare/v1/care-requests/{request_id}/assign",
        json={"provider_name": "福寿家政服务公司", "price_fen": 8000, "note": "周二、周五上午"},
        headers=staff,
    )
    completed = await client.post(
        f"/eldercare/v1/care-requests/{request_id}/complete", headers=staff
    )

    assert asked.status_code == 201, asked.text
    assert (asked.json()["status"], asked.json()["elder_name"]) == ("requested", "王秀英")
    assert asked.json()["history"][0]["from_status"] is None
    assert assigned.json()["status"] == "assigned"
    assert (assigned.json()["provider_name"], assigned.json()["price_fen"]) == (
        "福寿家政服务公司",
        8000,
    )
    done = completed.json()
    assert done["status"] == "completed" and done["completed_at"] is not None
    assert [(e["from_status"], e["to_status"], e["actor_role"]) for e in done["history"]] == [
        (None, "requested", "citizen"),
        ("requested", "assigned", "staff"),
        ("assigned", "completed", "staff"),
    ]
    assert done["history"][1]["note"] == "周二、周五上午"
    actions = [r["action"] for r in await audit_rows(eldercare_app, f"care_request/{request_id}")]
    assert actions == ["assign_care_request", "complete_care_request"]
    mine = await client.get(f"/eldercare/v1/care-requests/{request_id}", headers=daughter)
    assert mine.json() == done  # the family's read: not audited
    assert len(await audit_rows(eldercare_app, f"care_request/{request_id}")) == 2


async def test_every_illegal_move_is_409_invalid_transition(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    daughter = tokens.headers("care-d2", "citizen")
    mum = await create_elder(client, daughter)
    staff = tokens.headers("care-s2", "eldercare_staff")
    assign = {"provider_name": "社区助餐点"}

    def url(rid: int, verb: str) -> str:
        return f"/eldercare/v1/care-requests/{rid}/{verb}"

    first = (await _ask(client, daughter, mum["id"])).json()["id"]
    premature = await client.post(url(first, "complete"), headers=staff)  # requested → completed
    await client.post(url(first, "assign"), json=assign, headers=staff)
    twice = await client.post(url(first, "assign"), json=assign, headers=staff)
    await client.post(url(first, "complete"), headers=staff)
    after_done = [
        await client.post(url(first, "cancel"), headers=daughter),
        await client.post(url(first, "assign"), json=assign, headers=staff),
        await client.post(url(first, "complete"), headers=staff),
    ]
    second = (await _ask(client, daughter, mum["id"])).json()["id"]
    cancelled = await client.post(
        url(second, "cancel"), json={"note": "不需要了"}, headers=daughter
    )
    after_cancel = [
        await client.post(url(second, "cancel"), headers=daughter),
        await client.post(url(second, "assign"), json=assign, headers=staff),
        await client.post(url(second, "complete"), headers=staff),
    ]

    for r in [premature, twice, *after_done, *after_cancel]:
        body = assert_problem(r, 409, "invalid_transition")
        assert body["current_status"] in ("requested", "assigned", "completed", "cancelled")
    assert cancelled.json()["history"][-1] == {
        **cancelled.json()["history"][-1],
        "to_status": "cancelled",
        "actor_role": "citizen",
        "note": "不需要了",
    }


async def test_prices_belong_to_market_providers_only(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    daughter = tokens.headers("care-d3", "citizen")
    mum = await create_elder(client, daughter)
    staff = tokens.headers("care-s3", "eldercare_staff")
    rid = (await _ask(client, daughter, mum["id"], provider_category="market")).json()["id"]
    url = f"/eldercare/v1/care-requests/{rid}/assign"

    unpriced = await client.post(url, json={"provider_name": "家政"}, headers=staff)
    priced_volunteer = await client.post(
        url,
        json={"provider_name": "志愿者协会", "provider_category": "volunteer", "price_fen": 100},
        headers=staff,
    )
    volunteer = await client.post(
        url, json={"provider_name": "志愿者协会", "provider_category": "volunteer"}, headers=staff
    )
    fractional = await client.post(
        url, json={"provider_name": "x", "price_fen": 1.5}, headers=staff
    )

    assert_problem(unpriced, 422, "price_required_for_market")
    assert_problem(priced_volunteer, 422, "price_only_for_market")
    assert (volunteer.json()["provider_category"], volunteer.json()["price_fen"]) == (
        "volunteer",
        None,
    )
    assert_problem(fractional, 422, "validation_error")


async def test_another_citizen_cannot_see_ask_or_cancel(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    daughter = tokens.headers("care-d4", "citizen")
    mum = await create_elder(client, daughter)
    rid = (await _ask(client, daughter, mum["id"])).json()["id"]
    stranger = tokens.headers("care-x4", "citizen")

    read = await client.get(f"/eldercare/v1/care-requests/{rid}", headers=stranger)
    cancel = await client.post(f"/eldercare/v1/care-requests/{rid}/cancel", headers=stranger)
    ask = await _ask(client, stranger, mum["id"])
    listed = await client.get("/eldercare/v1/care-requests", headers=stranger)
    assign = await client.post(
        f"/eldercare/v1/care-requests/{rid}/assign", json={"provider_name": "x"}, headers=daughter
    )

    assert_problem(read, 404, "care_request_not_found")
    assert_problem(cancel, 404, "care_request_not_found")
    assert_problem(ask, 404, "elder_not_found")
    assert listed.json()["items"] == []
    assert_problem(assign, 403, "forbidden")
    still = await client.get(f"/eldercare/v1/care-requests/{rid}", headers=daughter)
    assert still.json()["status"] == "requested"


async def test_staff_reads_are_audited_once_each(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    daughter = tokens.headers("care-d5", "citizen")
    mum = await create_elder(client, daughter)
    ids = [
        (await _ask(client, daughter, mum["id"], care_type=t)).json()["id"]
        for t in ("meal", "bathing")
    ]
    staff = tokens.headers("care-s5", "eldercare_staff")

    one = await client.get(f"/eldercare/v1/care-requests/{ids[0]}", headers=staff)
    listed = await client.get(
        "/eldercare/v1/care-requests", params={"elder_id": mum["id"]}, headers=staff
    )

    assert one.status_code == 200 and len(one.json()["history"]) == 1
    assert [r["id"] for r in listed.json()["items"]] == ids[::-1]
    assert len(await audit_rows(eldercare_app, f"care_request/{ids[0]}")) == 2  # read + list
    assert len(await audit_rows(eldercare_app, f"care_request/{ids[1]}")) == 1
    mine = await client.get("/eldercare/v1/care-requests", headers=daughter)
    assert [r["id"] for r in mine.json()["items"]] == ids[::-1]


async def test_creating_is_idempotent_and_dates_are_checked(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    daughter = tokens.headers("care-d6", "citizen")
    mum = await create_elder(client, daughter)
    keyed = {**daughter, "Idempotency-Key": "care-key-6"}

    first = await _ask(client, keyed, mum["id"])
    replay = await _ask(client, keyed, mum["id"])
    other = await _ask(client, keyed, mum["id"], care_type="bathing")
    past = await _ask(
        client, daughter, mum["id"], preferred_date=(city_today() - timedelta(days=1)).isoformat()
    )

    assert replay.json() == first.json() and replay.headers["idempotent-replayed"] == "true"
    assert_problem(other, 422, "idempotency_key_reused")
    assert_problem(past, 422, "date_in_past")
    mine = await client.get("/eldercare/v1/care-requests", headers=daughter)
    assert len(mine.json()["items"]) == 1
