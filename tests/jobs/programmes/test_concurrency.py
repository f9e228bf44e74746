"""Many simultaneous staff decisions and applications against committed data: approvals never
pass the budget, an application is paid once, one citizen holds one application."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import utc_now
from common.state import service_context
from services.jobs.demo_programmes import RENT_SUBSIDY
from services.jobs.models import Application, Programme
from tests.fixtures.clients import committing_client
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import RENTER

pytestmark = pytest.mark.concurrency
NAME = "并发测试补贴"
AMOUNT = 1_000


async def _cleanup(session: AsyncSession) -> None:
    ids = select(Programme.id).where(Programme.name == NAME).scalar_subquery()
    await session.execute(delete(Application).where(Application.programme_id.in_(ids)))
    await session.execute(delete(Programme).where(Programme.name == NAME))


async def _programme(app: FastAPI, *, budget_fen: int, pending: int, approved: int = 0) -> int:
    """A programme with `pending` and `approved` applications, committed."""
    async with service_context(app).database.sessionmaker() as session:
        programme = Programme(
            name=NAME,
            name_en="Concurrency test",
            kind="rent_subsidy",
            award_kind="fixed",
            amount_fen=AMOUNT,
            budget_fen=budget_fen,
            committed_fen=approved * AMOUNT,
            disbursed_fen=0,
            allows_multiple=False,
            rules=RENT_SUBSIDY["rules"],
            active=True,
        )
        session.add(programme)
        await session.flush()
        now = utc_now()
        session.add_all(
            Application(
                programme_id=programme.id,
                citizen_sub=f"conc-app-{n}",
                status="approved" if n < approved else "pending",
                amount_fen=AMOUNT,
                facts={},
                rule_results=[],
                single_award=True,
                applied_at=now,
                status_changed_at=now,
                decided_at=now if n < approved else None,
            )
            for n in range(approved + pending)
        )
        await session.commit()
        return programme.id


async def _state(app: FastAPI, programme_id: int) -> tuple[Programme, Counter[str]]:
    async with service_context(app).database.sessionmaker() as session:
        programme = await session.get(Programme, programme_id)
        assert programme is not None
        rows = await session.execute(
            select(Application.status, func.count())
            .where(Application.programme_id == programme_id)
            .group_by(Application.status)
        )
        return programme, Counter({s: int(n) for s, n in rows.all()})


async def _application_ids(app: FastAPI, programme_id: int, status: str) -> list[int]:
    async with service_context(app).database.sessionmaker() as session:
        rows = await session.scalars(
            select(Application.id).where(
                Application.programme_id == programme_id, Application.status == status
            )
        )
        return list(rows.all())


@pytest.mark.parametrize("round_", [1, 2])
async def test_120_simultaneous_approvals_against_a_budget_for_10(
    jobs_app: FastAPI, tokens: DevTokens, round_: int
) -> None:
    staff = tokens.headers(f"conc-staff-{round_}", "jobs_staff")
    async with committing_client(jobs_app, _cleanup) as client:
        programme_id = await _programme(jobs_app, budget_fen=10 * AMOUNT, pending=120)
        ids = await _application_ids(jobs_app, programme_id, "pending")

        responses = await asyncio.gather(
            *(client.post(f"/jobs/v1/applications/{i}/approve", headers=staff) for i in ids)
        )
        programme, counts = await _state(jobs_app, programme_id)

    assert Counter(r.status_code for r in responses) == {200: 10, 409: 110}
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"budget_exhausted"}
    assert counts == {"approved": 10, "pending": 110}
    assert programme.committed_fen == 10 * AMOUNT <= programme.budget_fen


async def test_20_simultaneous_disbursements_pay_once_with_one_reference(
    jobs_app: FastAPI, tokens: DevTokens
) -> None:
    staff = tokens.headers("conc-staff-pay", "jobs_staff")
    async with committing_client(jobs_app, _cleanup) as client:
        programme_id = await _programme(jobs_app, budget_fen=10 * AMOUNT, pending=0, approved=1)
        [app_id] = await _application_ids(jobs_app, programme_id, "approved")

        responses = await asyncio.gather(
            *(
                client.post(f"/jobs/v1/applications/{app_id}/disburse", headers=staff)
                for _ in range(20)
            )
        )
        programme, counts = await _state(jobs_app, programme_id)

    assert Counter(r.status_code for r in responses) == {200: 1, 409: 19}
    paid = next(r.json() for r in responses if r.status_code == 200)
    refused = [r.json() for r in responses if r.status_code == 409]
    assert {r["code"] for r in refused} == {"already_disbursed"}
    assert {r["payment_reference"] for r in refused} == {paid["payment_reference"]}
    assert counts == {"disbursed": 1}
    assert (programme.committed_fen, programme.disbursed_fen) == (AMOUNT, AMOUNT)


async def test_20_staff_approving_one_application_at_once_commit_it_once(
    jobs_app: FastAPI, tokens: DevTokens
) -> None:
    async with committing_client(jobs_app, _cleanup) as client:
        programme_id = await _programme(jobs_app, budget_fen=10 * AMOUNT, pending=1)
        [app_id] = await _application_ids(jobs_app, programme_id, "pending")

        responses = await asyncio.gather(
            *(
                client.post(
                    f"/jobs/v1/applications/{app_id}/approve",
                    headers=tokens.headers(f"conc-staff-{n}", "jobs_staff"),
                )
                for n in range(20)
            )
        )
        programme, counts = await _state(jobs_app, programme_id)

    assert Counter(r.status_code for r in responses) == {200: 1, 409: 19}
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"invalid_transition"}
    assert programme.committed_fen == AMOUNT and counts == {"approved": 1}


async def test_one_citizen_applying_50_times_at_once_holds_one_application(
    jobs_app: FastAPI, tokens: DevTokens
) -> None:
    citizen = tokens.headers("conc-app-same", "citizen")
    async with committing_client(jobs_app, _cleanup) as client:
        programme_id = await _programme(jobs_app, budget_fen=10 * AMOUNT, pending=0)
        facts = {**RENTER, "graduation_date": date(utc_now().year - 1, 7, 1).isoformat()}

        responses = await asyncio.gather(
            *(
                client.post(
                    "/jobs/v1/applications",
                    json={"programme_id": programme_id, "facts": facts},
                    headers=citizen,
                )
                for _ in range(50)
            )
        )
        _, counts = await _state(jobs_app, programme_id)

    assert Counter(r.status_code for r in responses) == {201: 1, 409: 49}
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_applied"}
    assert counts == {"pending": 1}


async def test_60_withdrawals_racing_60_approvals_each_settle_one_way(
    jobs_app: FastAPI, tokens: DevTokens
) -> None:
    """Each pending application is withdrawn by its citizen while staff approve it: exactly one
    of the two wins, and the budget holds exactly the approvals that won."""
    staff = tokens.headers("conc-staff-race", "jobs_staff")
    async with committing_client(jobs_app, _cleanup) as client:
        programme_id = await _programme(jobs_app, budget_fen=100 * AMOUNT, pending=60)
        async with service_context(jobs_app).database.sessionmaker() as session:
            owners = dict(
                (
                    await session.execute(
                        select(Application.id, Application.citizen_sub).where(
                            Application.programme_id == programme_id
                        )
                    )
                ).all()
            )
        calls = []
        for app_id, citizen in owners.items():
            calls.append(
                client.post(
                    f"/jobs/v1/applications/{app_id}/withdraw",
                    headers=tokens.headers(citizen, "citizen"),
                )
            )
            calls.append(client.post(f"/jobs/v1/applications/{app_id}/approve", headers=staff))
        responses = await asyncio.gather(*calls)
        programme, counts = await _state(jobs_app, programme_id)

    pairs = list(zip(responses[::2], responses[1::2], strict=True))
    assert all(sorted((w.status_code, a.status_code)) == [200, 409] for w, a in pairs)
    withdrawn = sum(w.status_code == 200 for w, _ in pairs)
    approved = sum(a.status_code == 200 for _, a in pairs)
    assert withdrawn + approved == 60
    assert {w.json()["code"] for w, _ in pairs if w.status_code == 409} <= {
        "application_not_pending"
    }
    assert {a.json()["code"] for _, a in pairs if a.status_code == 409} <= {"invalid_transition"}
    assert counts == +Counter(withdrawn=withdrawn, approved=approved)
    assert programme.committed_fen == approved * AMOUNT
