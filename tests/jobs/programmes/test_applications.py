"""Applications through the API: an eligible one is stored pending with every rule's result;
a refused one stores nothing; amounts; one award per citizen; the staff lifecycle with its
illegal moves; other citizens see nothing; staff reads are audited; programme edits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from common.state import service_context
from services.jobs.demo_programmes import RENT_SUBSIDY, STARTUP_LOAN
from services.jobs.models import Application, access_audit
from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import FOUNDER, RENTER
from tests.jobs.programmes.conftest import create_programme

NOW = datetime(2026, 6, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


async def apply(
    client: httpx.AsyncClient, citizen: dict[str, str], programme_id: int, **body: Any
) -> httpx.Response:
    return await client.post(
        "/jobs/v1/applications", json={"programme_id": programme_id, **body}, headers=citizen
    )


async def stored(app: FastAPI) -> int:
    async with service_context(app).database.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Application)) or 0)


async def test_an_eligible_application_is_pending_with_every_rules_result(
    client: httpx.AsyncClient, tokens: DevTokens, programmes: dict[str, int], clock: MovableClock
) -> None:
    alice = tokens.headers("alice", "citizen")

    r = await apply(
        client, alice, programmes["rent_subsidy"], facts={**RENTER, "district": "新城区"}
    )

    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["status"], body["amount_fen"], body["district"]) == ("pending", 600_000, "新城区")
    assert [x["result"] for x in body["rules"]] == ["met"] * 4
    assert body["facts"]["graduation_date"] == "2023-07-01"
    assert body["payment_reference"] is None and body["decided_at"] is None
    mine = (await client.get("/jobs/v1/applications", headers=alice)).json()["items"]
    assert [a["id"] for a in mine] == [body["id"]]


async def test_not_eligible_names_the_failing_rules_and_stores_nothing(
    client: httpx.AsyncClient,
    jobs_app: FastAPI,
    tokens: DevTokens,
    programmes: dict[str, int],
    clock: MovableClock,
) -> None:
    alice = tokens.headers("alice", "citizen")
    facts = {**RENTER, "owns_home_in_hohhot": True, "degree": "associate"}

    refused = await apply(client, alice, programmes["rent_subsidy"], facts=facts)
    missing = await apply(client, alice, programmes["rent_subsidy"], facts={"degree": "master"})

    body = assert_problem(refused, 422, "not_eligible")
    assert body["failing"] == ["bachelor_or_above", "no_home_in_hohhot"]
    # the failing rules' own words, in the language asked for (zh-CN unless en)
    assert "在呼和浩特无自有住房" in str(body["detail"])
    assert "You own no home in Hohhot" not in str(body["detail"])
    in_english = await apply(
        client, {**alice, "Accept-Language": "en"}, programmes["rent_subsidy"], facts=facts
    )
    english = assert_problem(in_english, 422, "not_eligible")
    assert "You own no home in Hohhot" in str(english["detail"])
    assert "在呼和浩特无自有住房" not in str(english["detail"])
    assert english["failing"] == body["failing"]
    assert len(body["rules"]) == 4  # type: ignore[arg-type]
    gaps = assert_problem(missing, 422, "facts_missing")
    assert gaps["missing_facts"] == ["graduation_date", "works_in_hohhot", "owns_home_in_hohhot"]
    assert await stored(jobs_app) == 0


async def test_amounts_follow_the_award_kind(
    client: httpx.AsyncClient, tokens: DevTokens, programmes: dict[str, int], clock: MovableClock
) -> None:
    bob = tokens.headers("bob", "citizen")
    loan = programmes["startup_loan"]

    no_amount = await apply(client, bob, loan, facts=FOUNDER)
    too_much = await apply(client, bob, loan, facts=FOUNDER, requested_amount_fen=50_000_001)
    fixed = await apply(
        client, bob, programmes["rent_subsidy"], facts=RENTER, requested_amount_fen=1
    )
    ok = await apply(client, bob, loan, facts=FOUNDER, requested_amount_fen=30_000_000)

    assert_problem(no_amount, 422, "amount_required")
    assert_problem(too_much, 422, "amount_not_allowed")
    assert_problem(fixed, 422, "amount_not_allowed")
    assert ok.json()["amount_fen"] == 30_000_000


async def test_one_award_per_citizen_unless_the_programme_allows_more(
    client: httpx.AsyncClient,
    tokens: DevTokens,
    staff: dict[str, str],
    programmes: dict[str, int],
    clock: MovableClock,
) -> None:
    carol = tokens.headers("carol", "citizen")
    rent = programmes["rent_subsidy"]
    first = (await apply(client, carol, rent, facts=RENTER)).json()

    again = await apply(client, carol, rent, facts=RENTER)
    await client.post(f"/jobs/v1/applications/{first['id']}/approve", headers=staff)
    awarded = await apply(client, carol, rent, facts=RENTER)
    repeatable = await create_programme(
        client, staff, {**STARTUP_LOAN, "name": "可重复贷款", "allows_multiple": True}
    )
    twice = [
        await apply(client, carol, repeatable["id"], facts=FOUNDER, requested_amount_fen=100)
        for _ in range(2)
    ]

    assert_problem(again, 409, "already_applied")
    body = assert_problem(awarded, 409, "already_awarded")
    assert body["application_id"] == first["id"]
    assert [r.status_code for r in twice] == [201, 201]


async def test_a_rejected_applicant_may_apply_again(
    client: httpx.AsyncClient,
    tokens: DevTokens,
    staff: dict[str, str],
    programmes: dict[str, int],
    clock: MovableClock,
) -> None:
    dan = tokens.headers("dan", "citizen")
    first = (await apply(client, dan, programmes["rent_subsidy"], facts=RENTER)).json()

    rejected = await client.post(
        f"/jobs/v1/applications/{first['id']}/reject",
        json={"reason": "社保缴纳记录不足"},
        headers=staff,
    )
    again = await apply(client, dan, programmes["rent_subsidy"], facts=RENTER)

    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_note"] == "社保缴纳记录不足"
    assert again.status_code == 201


async def test_the_lifecycle_pays_once_and_refuses_illegal_moves(
    client: httpx.AsyncClient,
    tokens: DevTokens,
    staff: dict[str, str],
    programmes: dict[str, int],
    clock: MovableClock,
) -> None:
    erin = tokens.headers("erin", "citizen")
    app_id = (await apply(client, erin, programmes["rent_subsidy"], facts=RENTER)).json()["id"]
    url = f"/jobs/v1/applications/{app_id}"

    early_pay = await client.post(f"{url}/disburse", headers=staff)
    approved = await client.post(f"{url}/approve", json={"note": "材料齐全"}, headers=staff)
    approve_again = await client.post(f"{url}/approve", headers=staff)
    reject_late = await client.post(f"{url}/reject", json={"reason": "x"}, headers=staff)
    paid = await client.post(f"{url}/disburse", headers=staff)
    paid_again = await client.post(f"{url}/disburse", headers=staff)
    programme = (await client.get(f"/jobs/v1/programmes/{programmes['rent_subsidy']}")).json()

    assert_problem(early_pay, 409, "invalid_transition")
    assert approved.json()["status"] == "approved" and approved.json()["decided_at"]
    assert_problem(approve_again, 409, "invalid_transition")
    assert_problem(reject_late, 409, "invalid_transition")
    body = paid.json()
    assert body["status"] == "disbursed"
    assert body["payment_reference"] == f"HHJY-20260630-{app_id:010d}"
    again = assert_problem(paid_again, 409, "already_disbursed")
    assert again["payment_reference"] == body["payment_reference"]
    assert (programme["committed_fen"], programme["disbursed_fen"]) == (600_000, 600_000)
    assert (programme["awards"], programme["disbursements"], programme["pending"]) == (1, 1, 0)
    mine = (await client.get(url, headers=erin)).json()
    assert mine["payment_reference"] == body["payment_reference"]


async def test_another_citizens_application_is_not_found(
    client: httpx.AsyncClient,
    tokens: DevTokens,
    staff: dict[str, str],
    programmes: dict[str, int],
    clock: MovableClock,
) -> None:
    frank, mallory = tokens.headers("frank", "citizen"), tokens.headers("mallory", "citizen")
    app_id = (await apply(client, frank, programmes["rent_subsidy"], facts=RENTER)).json()["id"]

    read = await client.get(f"/jobs/v1/applications/{app_id}", headers=mallory)
    listed = await client.get("/jobs/v1/applications", headers=mallory)
    approve = await client.post(f"/jobs/v1/applications/{app_id}/approve", headers=mallory)
    unknown = await client.post("/jobs/v1/applications/987654/approve", headers=staff)

    assert_problem(read, 404, "application_not_found")
    assert listed.json()["items"] == []
    assert_problem(approve, 403, "forbidden")
    assert_problem(unknown, 404, "application_not_found")


async def test_staff_see_every_application_and_each_read_is_audited(
    client: httpx.AsyncClient,
    jobs_app: FastAPI,
    tokens: DevTokens,
    staff: dict[str, str],
    programmes: dict[str, int],
    clock: MovableClock,
) -> None:
    ids = [
        (await apply(client, tokens.headers(f"s{n}", "citizen"), pid, facts=RENTER)).json()["id"]
        for n, pid in enumerate([programmes["rent_subsidy"]] * 3)
    ]

    page = (await client.get("/jobs/v1/applications", params={"limit": 2}, headers=staff)).json()
    rest = (
        await client.get(
            "/jobs/v1/applications", params={"cursor": page["next_cursor"]}, headers=staff
        )
    ).json()
    one = await client.get(f"/jobs/v1/applications/{ids[0]}", headers=staff)
    pending = await client.get(
        "/jobs/v1/applications", params={"status": "approved"}, headers=staff
    )

    assert [a["id"] for a in page["items"] + rest["items"]] == ids[::-1]
    assert one.json()["citizen_sub"] == "s0"
    assert pending.json()["items"] == []
    assert one.headers["cache-control"] == "no-store"
    async with service_context(jobs_app).database.sessionmaker() as session:
        actions = (
            await session.scalars(
                select(access_audit.c.action).where(access_audit.c.actor_sub == "jobs-staff-1")
            )
        ).all()
    assert sorted(actions) == [
        "list_applications",
        "list_applications",
        "list_applications",
        "read_application",
    ]


async def test_staff_rules_must_be_answerable_and_the_budget_covers_commitments(
    client: httpx.AsyncClient,
    tokens: DevTokens,
    staff: dict[str, str],
    programmes: dict[str, int],
    clock: MovableClock,
) -> None:
    bad_rule = {
        "id": "x",
        "fact": "age_years",
        "op": "within_years",
        "value": 5,
        "reason": {"zh": "年龄", "en": "age"},
    }
    rent = programmes["rent_subsidy"]
    app_id = (await apply(client, tokens.headers("g", "citizen"), rent, facts=RENTER)).json()["id"]
    await client.post(f"/jobs/v1/applications/{app_id}/approve", headers=staff)

    invalid = await client.post(
        "/jobs/v1/programmes", json={**RENT_SUBSIDY, "rules": [bad_rule]}, headers=staff
    )
    shrink = await client.patch(
        f"/jobs/v1/programmes/{rent}", json={"budget_fen": 599_999}, headers=staff
    )
    closed = await client.patch(
        f"/jobs/v1/programmes/{rent}", json={"active": False}, headers=staff
    )
    late = await apply(client, tokens.headers("h", "citizen"), rent, facts=RENTER)
    citizen = await client.patch(
        f"/jobs/v1/programmes/{rent}", json={"active": True}, headers=tokens.headers("h", "citizen")
    )

    assert_problem(invalid, 422, "invalid_rule")
    assert_problem(shrink, 409, "budget_below_committed")
    assert (
        closed.json()["active"] is False and closed.json()["remaining_fen"] == 600_000_000 - 600_000
    )
    assert_problem(late, 409, "programme_closed")
    assert_problem(citizen, 403, "forbidden")
