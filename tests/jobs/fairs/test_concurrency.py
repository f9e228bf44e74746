"""Many simultaneous registrations against committed data: never over capacity."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import utc_now
from common.state import service_context
from services.jobs.models import Fair, FairRegistration
from tests.fixtures.clients import committing_client
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import add_fair

pytestmark = pytest.mark.concurrency
NAME = "并发测试招聘会"


async def _cleanup(session: AsyncSession) -> None:
    await session.execute(delete(Fair).where(Fair.name == NAME))


async def _taken(app: FastAPI, fair_id: int) -> tuple[int, int]:
    async with service_context(app).database.sessionmaker() as session:
        fair = await session.get(Fair, fair_id)
        assert fair is not None
        rows = await session.scalar(
            select(func.count()).where(
                FairRegistration.fair_id == fair_id, FairRegistration.status == "registered"
            )
        )
        return fair.registered, int(rows or 0)


async def test_120_citizens_at_once_for_the_last_5_seats_get_exactly_5(
    jobs_app: FastAPI, tokens: DevTokens
) -> None:
    async with committing_client(jobs_app, _cleanup) as client:
        fair = await add_fair(
            jobs_app,
            starts_at=utc_now() + timedelta(days=5),
            capacity=500,
            registered=495,
            name=NAME,
        )
        url = f"/jobs/v1/fairs/{fair.id}/registrations"

        async def register(n: int) -> httpx.Response:
            return await client.post(url, headers=tokens.headers(f"conc-fair-{n}", "citizen"))

        responses = await asyncio.gather(*(register(n) for n in range(120)))
        statuses = Counter(r.status_code for r in responses)
        codes = Counter(r.json().get("code") for r in responses if r.status_code == 409)
        after_rush = await _taken(jobs_app, fair.id)

        winner = next(r for r in responses if r.status_code == 201)
        sub = f"conc-fair-{responses.index(winner)}"
        cancel = await client.post(
            f"/jobs/v1/fair-registrations/{winner.json()['id']}/cancel",
            headers=tokens.headers(sub, "citizen"),
        )
        late = await register(1000)
        after_cancel = await _taken(jobs_app, fair.id)

    assert statuses == {201: 5, 409: 115}
    assert codes == {"fair_full": 115}
    assert after_rush == (500, 5)
    assert cancel.status_code == 200
    assert late.status_code == 201  # the freed seat went to the next caller
    assert after_cancel == (500, 5)


async def test_one_citizen_registering_50_times_at_once_holds_one_seat(
    jobs_app: FastAPI, tokens: DevTokens
) -> None:
    async with committing_client(jobs_app, _cleanup) as client:
        fair = await add_fair(jobs_app, starts_at=utc_now() + timedelta(days=5), name=NAME)
        headers = tokens.headers("conc-fair-same", "citizen")
        responses = await asyncio.gather(
            *(
                client.post(f"/jobs/v1/fairs/{fair.id}/registrations", headers=headers)
                for _ in range(50)
            )
        )
        taken = await _taken(jobs_app, fair.id)

    assert Counter(r.status_code for r in responses) == {201: 1, 409: 49}
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_registered"}
    assert taken == (1, 1)
