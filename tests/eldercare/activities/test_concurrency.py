"""Many simultaneous registrations and cancellations against committed data: a class is never
overfilled, the waitlist is FIFO, freed seats go to its head, one key makes one registration."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.state import service_context
from services.eldercare.models import (
    Activity,
    ActivityRegistration,
    Community,
    idempotency_key,
)
from tests.fixtures.clients import committing_client
from tests.fixtures.tokens import DevTokens

pytestmark = pytest.mark.concurrency
PREFIX = "conc-"
Reg = ActivityRegistration


async def _cleanup(session: AsyncSession) -> None:
    await session.execute(delete(Reg).where(Reg.registrant_sub.like(f"{PREFIX}%")))
    await session.execute(delete(Activity).where(Activity.title.like("并发测试%")))
    await session.execute(delete(Community).where(Community.name.like("并发测试%")))
    await session.execute(
        delete(idempotency_key).where(idempotency_key.c.principal.like(f"{PREFIX}%"))
    )


async def _activity(app: FastAPI, name: str, capacity: int, waitlist: int) -> int:
    starts = datetime.now(UTC) + timedelta(days=3)
    async with service_context(app).database.sessionmaker() as session:
        community = Community(
            name=f"并发测试{name}", district="武川县", street_office="测试", lat=41.3, lon=111.2
        )
        session.add(community)
        await session.flush()
        activity = Activity(
            title=f"并发测试{name}",
            category="calligraphy",
            description="",
            community_id=community.id,
            place="教室",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=capacity,
            registered=0,
            waitlist_capacity=waitlist,
            waitlisted=0,
            status="scheduled",
        )
        session.add(activity)
        await session.commit()
        return activity.id


async def _state(app: FastAPI, activity_id: int) -> tuple[Activity, Counter[str], list[int]]:
    """The activity's counters, its registrations by status, and the waiting ids in order."""
    async with service_context(app).database.sessionmaker() as session:
        activity = await session.get(Activity, activity_id)
        assert activity is not None
        rows = (
            await session.execute(
                select(Reg.status, func.count())
                .where(Reg.activity_id == activity_id)
                .group_by(Reg.status)
            )
        ).all()
        waiting = await session.scalars(
            select(Reg.id)
            .where(Reg.activity_id == activity_id, Reg.status == "waitlisted")
            .order_by(Reg.id)
        )
        return activity, Counter({s: int(n) for s, n in rows}), list(waiting.all())


async def test_120_simultaneous_registrations_for_the_last_5_seats(
    eldercare_app: FastAPI, tokens: DevTokens
) -> None:
    async with committing_client(eldercare_app, _cleanup) as client:
        activity_id = await _activity(eldercare_app, "末位", capacity=25, waitlist=50)
        url = f"/eldercare/v1/activities/{activity_id}/registrations"
        early = []
        for n in range(20):  # 20 of the 25 seats go one by one
            headers = tokens.headers(f"{PREFIX}early-{n}", "citizen")
            r = await client.post(url, json={}, headers=headers)
            assert r.json()["status"] == "registered"
            early.append((r.json()["id"], headers))

        responses = await asyncio.gather(
            *(
                client.post(url, json={}, headers=tokens.headers(f"{PREFIX}late-{n}", "citizen"))
                for n in range(120)
            )
        )

        assert Counter(r.status_code for r in responses) == {201: 55, 409: 65}
        assert {r.json()["code"] for r in responses if r.status_code == 409} == {"activity_full"}
        landed = [r.json() for r in responses if r.status_code == 201]
        assert Counter(b["status"] for b in landed) == {"registered": 5, "waitlisted": 50}
        waiting = sorted(
            (b["id"], b["waitlist_position"]) for b in landed if b["waitlist_position"]
        )
        # FIFO: positions 1..50 in the order the registrations were written
        assert [position for _, position in waiting] == list(range(1, 51))
        activity, counts, waiting_ids = await _state(eldercare_app, activity_id)
        assert (activity.registered, activity.waitlisted) == (25, 50)
        assert counts == {"registered": 25, "waitlisted": 50}
        assert waiting_ids == [i for i, _ in waiting]

        # five seats freed at once go to the five at the head of the waitlist, in order
        cancels = await asyncio.gather(
            *(
                client.post(f"/eldercare/v1/activity-registrations/{rid}/cancel", headers=h)
                for rid, h in early[:5]
            )
        )
        assert [r.status_code for r in cancels] == [200] * 5
        activity, counts, still_waiting = await _state(eldercare_app, activity_id)
        assert (activity.registered, activity.waitlisted) == (25, 45)
        assert counts == {"registered": 25, "waitlisted": 45, "cancelled": 5}
        assert still_waiting == waiting_ids[5:]
        async with service_context(eldercare_app).database.sessionmaker() as session:
            seated = set(
                (
                    await session.scalars(
                        select(Reg.id).where(
                            Reg.id.in_(waiting_ids[:5]), Reg.status == "registered"
                        )
                    )
                ).all()
            )
        assert seated == set(waiting_ids[:5])


async def test_registrations_and_cancellations_racing_never_overfill(
    eldercare_app: FastAPI, tokens: DevTokens
) -> None:
    async with committing_client(eldercare_app, _cleanup) as client:
        activity_id = await _activity(eldercare_app, "往返", capacity=10, waitlist=30)
        url = f"/eldercare/v1/activities/{activity_id}/registrations"
        seated = []
        for n in range(10):
            headers = tokens.headers(f"{PREFIX}seat-{n}", "citizen")
            seated.append(
                ((await client.post(url, json={}, headers=headers)).json()["id"], headers)
            )

        newcomers = [
            client.post(url, json={}, headers=tokens.headers(f"{PREFIX}new-{n}", "citizen"))
            for n in range(100)
        ]
        leavers = [
            client.post(f"/eldercare/v1/activity-registrations/{rid}/cancel", headers=h)
            for rid, h in seated
        ]
        results = await asyncio.gather(*newcomers, *leavers)

        assert all(r.status_code in (200, 201, 409) for r in results), [
            r.text for r in results if r.status_code not in (200, 201, 409)
        ]
        activity, counts, waiting_ids = await _state(eldercare_app, activity_id)
        assert activity.registered == counts["registered"] == 10  # every freed seat refilled
        assert activity.waitlisted == counts["waitlisted"] == len(waiting_ids)
        assert counts["cancelled"] == 10
        assert sum(1 for r in results[:100] if r.status_code == 201) == 10 + len(waiting_ids)


async def test_one_idempotency_key_sent_50_times_at_once_registers_once(
    eldercare_app: FastAPI, tokens: DevTokens
) -> None:
    async with committing_client(eldercare_app, _cleanup) as client:
        activity_id = await _activity(eldercare_app, "幂等", capacity=5, waitlist=0)
        headers = {**tokens.headers(f"{PREFIX}idem", "citizen"), "Idempotency-Key": "conc-k-1"}

        results = await asyncio.gather(
            *(
                client.post(
                    f"/eldercare/v1/activities/{activity_id}/registrations",
                    json={},
                    headers=headers,
                )
                for _ in range(50)
            )
        )

        statuses = Counter(r.status_code for r in results)
        assert set(statuses) <= {201, 409} and statuses[201] >= 1
        assert {r.json()["code"] for r in results if r.status_code == 409} <= {
            "idempotency_in_flight"
        }
        assert len({r.json()["id"] for r in results if r.status_code == 201}) == 1
        activity, counts, _ = await _state(eldercare_app, activity_id)
        assert activity.registered == counts["registered"] == 1
