"""Many simultaneous requests against committed data: capacity is never exceeded."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import date, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import city_today
from common.state import service_context
from services.childcare.models import Child, Enrollment, Institution
from tests.fixtures.clients import committing_client
from tests.fixtures.tokens import DevTokens

pytestmark = pytest.mark.concurrency
PREFIX = "conc-"


async def _cleanup(session: AsyncSession) -> None:
    await session.execute(delete(Enrollment).where(Enrollment.guardian_sub.like(f"{PREFIX}%")))
    await session.execute(delete(Child).where(Child.guardian_sub.like(f"{PREFIX}%")))
    await session.execute(delete(Institution).where(Institution.name.like("并发测试%")))


async def _setup(
    app: FastAPI, capacity: int, n_children: int, round_: int
) -> tuple[int, list[tuple[str, int]]]:
    async with service_context(app).database.sessionmaker() as session:
        inst = Institution(
            name=f"并发测试{round_}",
            district="赛罕区",
            address="测试",
            lat=40.8,
            lon=111.7,
            kind="private",
            inclusive=True,
            public_owned=False,
            capacity=capacity,
            enrolled=0,
            offered=0,
            monthly_fee_fen=100000,
            min_age_months=0,
            max_age_months=36,
            opening_hours="8-17",
            phone="0471",
        )
        children = [
            Child(
                guardian_sub=f"{PREFIX}{round_}-{n}",
                name=f"孩子{n}",
                birth_date=date(city_today().year - 2, 1, 1),
            )
            for n in range(n_children)
        ]
        session.add(inst)
        session.add_all(children)
        await session.commit()
        return inst.id, [(c.guardian_sub, c.id) for c in children]


async def _counts(app: FastAPI, institution_id: int) -> tuple[Institution, Counter[str]]:
    async with service_context(app).database.sessionmaker() as session:
        inst = await session.get(Institution, institution_id)
        assert inst is not None
        rows = await session.execute(
            select(Enrollment.status, func.count())
            .where(Enrollment.institution_id == institution_id)
            .group_by(Enrollment.status)
        )
        return inst, Counter({s: int(n) for s, n in rows.all()})


@pytest.mark.parametrize("round_", [1, 2, 3])
async def test_200_simultaneous_applications_for_10_places(
    childcare_app: FastAPI, tokens: DevTokens, round_: int
) -> None:
    async with committing_client(childcare_app, _cleanup) as client:
        inst_id, children = await _setup(childcare_app, 10, 200, round_)
        start = (city_today() + timedelta(days=3)).isoformat()

        async def apply(sub: str, child: int) -> httpx.Response:
            return await client.post(
                "/childcare/v1/enrollments",
                json={"child_id": child, "institution_id": inst_id, "start_date": start},
                headers=tokens.headers(sub, "citizen"),
            )

        responses = await asyncio.gather(*(apply(s, c) for s, c in children))

        assert Counter(r.status_code for r in responses) == {201: 200}
        bodies = [r.json() for r in responses]
        assert Counter(b["status"] for b in bodies) == {"enrolled": 10, "waitlisted": 190}
        assert sorted(
            b["waitlist_position"] for b in bodies if b["status"] == "waitlisted"
        ) == list(range(1, 191))
        inst, counts = await _counts(childcare_app, inst_id)
        assert (inst.enrolled, inst.offered) == (10, 0)
        assert counts == {"enrolled": 10, "waitlisted": 190}


async def test_simultaneous_withdrawals_and_accepts_never_exceed_capacity(
    childcare_app: FastAPI, tokens: DevTokens
) -> None:
    async with committing_client(childcare_app, _cleanup) as client:
        inst_id, children = await _setup(childcare_app, 10, 60, 9)
        start = (city_today() + timedelta(days=3)).isoformat()
        ids: dict[int, tuple[str, int]] = {}
        for sub, child in children:  # in order, so the first 10 hold the places
            r = await client.post(
                "/childcare/v1/enrollments",
                json={"child_id": child, "institution_id": inst_id, "start_date": start},
                headers=tokens.headers(sub, "citizen"),
            )
            ids[r.json()["id"]] = (sub, child)
        rng = random.Random(7)

        for _ in range(4):
            async with service_context(childcare_app).database.sessionmaker() as session:
                rows = (
                    await session.execute(
                        select(Enrollment.id, Enrollment.status, Enrollment.guardian_sub).where(
                            Enrollment.institution_id == inst_id
                        )
                    )
                ).all()
            actions = []
            for eid, status, sub in rows:
                if status in ("enrolled", "waitlisted") and rng.random() < 0.3:
                    actions.append(("withdraw", eid, sub))
                elif status == "offered":
                    actions.append((rng.choice(["accept", "accept", "decline"]), eid, sub))
                    actions.append(("accept", eid, sub))  # a double tap on the same offer
            rng.shuffle(actions)
            results = await asyncio.gather(
                *(
                    client.post(
                        f"/childcare/v1/enrollments/{eid}/{verb}",
                        headers=tokens.headers(sub, "citizen"),
                    )
                    for verb, eid, sub in actions
                )
            )
            assert all(r.status_code in (200, 409) for r in results), [
                r.text for r in results if r.status_code not in (200, 409)
            ]
            inst, counts = await _counts(childcare_app, inst_id)
            assert inst.enrolled + inst.offered <= inst.capacity
            assert (inst.enrolled, inst.offered) == (counts["enrolled"], counts["offered"])
            if counts["waitlisted"]:
                assert inst.enrolled + inst.offered == inst.capacity  # freed places never sit idle


async def test_erasures_racing_applications_never_leave_a_place_without_its_child(
    childcare_app: FastAPI, tokens: DevTokens
) -> None:
    """60 guardians each erase their child while applying for them, 30 places: whichever lands
    first, a child that holds a place is kept (409 child_has_place) and an erased child leaves
    no application and no place behind."""
    async with committing_client(childcare_app, _cleanup) as client:
        inst_id, children = await _setup(childcare_app, 30, 60, 8)
        start = (city_today() + timedelta(days=3)).isoformat()
        calls = []
        for sub, child in children:
            headers = tokens.headers(sub, "citizen")
            calls.append(client.delete(f"/childcare/v1/children/{child}", headers=headers))
            calls.append(
                client.post(
                    "/childcare/v1/enrollments",
                    json={"child_id": child, "institution_id": inst_id, "start_date": start},
                    headers=headers,
                )
            )
        responses = await asyncio.gather(*calls)
        inst, counts = await _counts(childcare_app, inst_id)
        async with service_context(childcare_app).database.sessionmaker() as session:
            kept = set(
                (
                    await session.scalars(
                        select(Child.id).where(Child.id.in_([c for _, c in children]))
                    )
                ).all()
            )

    for (_, child), erase, apply in zip(children, responses[::2], responses[1::2], strict=True):
        if erase.status_code == 204:
            assert child not in kept
            assert apply.status_code == 404 or apply.json()["status"] == "waitlisted"
        else:
            assert erase.json()["code"] == "child_has_place" and child in kept
            assert apply.status_code == 201 and apply.json()["status"] in ("enrolled", "offered")
    assert all(r.status_code < 500 for r in responses)
    assert inst.enrolled + inst.offered == counts["enrolled"] + counts["offered"] == len(kept)
    assert inst.enrolled + inst.offered <= inst.capacity
    assert counts["waitlisted"] == 0  # a waiting child either was erased or moved up
