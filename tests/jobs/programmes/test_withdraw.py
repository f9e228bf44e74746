"""A citizen withdraws an application not yet decided (issue 16 §3): `pending` → `withdrawn`;
a decided one is `409 application_not_pending`; another citizen's application is 404; a
withdrawn application no longer counts, so the citizen may apply again, and staff can no longer
decide it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import BUYER, RENTER

NOW = datetime(2026, 6, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


async def _apply(
    client: httpx.AsyncClient,
    citizen: dict[str, str],
    programme: int,
    facts: dict[str, Any] = RENTER,
) -> int:
    r = await client.post(
        "/jobs/v1/applications",
        json={"programme_id": programme, "facts": {**facts, "district": "新城区"}},
        headers=citizen,
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_a_pending_application_is_withdrawn_and_may_be_made_again(
    client: httpx.AsyncClient, tokens: DevTokens, programmes: dict[str, int], clock: MovableClock
) -> None:
    alice = tokens.headers("withdraw-alice", "citizen")
    programme = programmes["rent_subsidy"]
    first = await _apply(client, alice, programme)
    again_while_pending = await client.post(
        "/jobs/v1/applications",
        json={"programme_id": programme, "facts": {**RENTER, "district": "新城区"}},
        headers=alice,
    )
    assert_problem(again_while_pending, 409, "already_applied")

    r = await client.post(f"/jobs/v1/applications/{first}/withdraw", headers=alice)

    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["id"], body["status"]) == (first, "withdrawn")
    assert body["decided_at"] is None and body["payment_reference"] is None
    read = (await client.get(f"/jobs/v1/applications/{first}", headers=alice)).json()
    assert read["status"] == "withdrawn"
    twice = await client.post(f"/jobs/v1/applications/{first}/withdraw", headers=alice)
    problem = assert_problem(twice, 409, "application_not_pending")
    assert "withdrawn" in str(problem["detail"])
    second = await _apply(client, alice, programme)
    assert second != first
    staff = tokens.headers("withdraw-staff", "jobs_staff")
    decide = await client.post(f"/jobs/v1/applications/{first}/approve", headers=staff)
    assert_problem(decide, 409, "invalid_transition")


async def test_a_decided_application_cannot_be_withdrawn(
    client: httpx.AsyncClient, tokens: DevTokens, programmes: dict[str, int], clock: MovableClock
) -> None:
    bob = tokens.headers("withdraw-bob", "citizen")
    staff = tokens.headers("withdraw-staff", "jobs_staff")
    approved = await _apply(client, bob, programmes["rent_subsidy"])
    rejected = await _apply(client, bob, programmes["home_purchase_subsidy"], BUYER)
    assert (
        await client.post(f"/jobs/v1/applications/{approved}/approve", headers=staff)
    ).status_code == 200
    assert (
        await client.post(
            f"/jobs/v1/applications/{rejected}/reject",
            json={"reason": "材料不全"},
            headers=staff,
        )
    ).status_code == 200

    for application, status in ((approved, "approved"), (rejected, "rejected")):
        r = await client.post(f"/jobs/v1/applications/{application}/withdraw", headers=bob)
        problem = assert_problem(r, 409, "application_not_pending")
        assert problem["application_status"] == status
        assert status in str(problem["detail"])
        read = (await client.get(f"/jobs/v1/applications/{application}", headers=bob)).json()
        assert read["status"] == status


async def test_another_citizen_cannot_withdraw_an_application(
    client: httpx.AsyncClient, tokens: DevTokens, programmes: dict[str, int], clock: MovableClock
) -> None:
    alice = tokens.headers("withdraw-owner", "citizen")
    mallory = tokens.headers("withdraw-mallory", "citizen")
    application = await _apply(client, alice, programmes["rent_subsidy"])

    stranger = await client.post(f"/jobs/v1/applications/{application}/withdraw", headers=mallory)
    missing = await client.post("/jobs/v1/applications/999999/withdraw", headers=alice)
    anonymous = await client.post(f"/jobs/v1/applications/{application}/withdraw")

    assert_problem(stranger, 404, "application_not_found")
    assert_problem(missing, 404, "application_not_found")
    assert anonymous.status_code == 401
    read = (await client.get(f"/jobs/v1/applications/{application}", headers=alice)).json()
    assert read["status"] == "pending"


async def test_the_summary_carries_the_decision_note(
    client: httpx.AsyncClient, tokens: DevTokens, programmes: dict[str, int], clock: MovableClock
) -> None:
    carol = tokens.headers("note-carol", "citizen")
    staff = tokens.headers("note-staff", "jobs_staff")
    rejected = await _apply(client, carol, programmes["rent_subsidy"])
    pending = await _apply(client, carol, programmes["home_purchase_subsidy"], BUYER)
    await client.post(
        f"/jobs/v1/applications/{rejected}/reject",
        json={"reason": "租房合同未备案"},
        headers=staff,
    )

    summary = (await client.get("/jobs/v1/me/summary", headers=carol)).json()

    notes = {a["id"]: (a["status"], a["decision_note"]) for a in summary["applications"]}
    assert notes == {rejected: ("rejected", "租房合同未备案"), pending: ("pending", None)}
