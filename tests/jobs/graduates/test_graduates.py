"""Graduate registration once per citizen, its own reads, and retention progress that adds
live registrations to the reported historical counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from common.state import service_context
from services.jobs.models import RetentionAggregate
from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


def graduate_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "university": "内蒙古财经大学",
        "degree": "bachelor",
        "graduation_date": "2026-07-01",
        "retention": "stayed",
        "employment_status": "seeking",
        "district": "赛罕区",
    }
    body.update(overrides)
    return body


async def test_a_citizen_registers_once_and_reads_it_back(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    wang = tokens.headers("wang-lei", "citizen")

    first = await client.post("/jobs/v1/graduates", json=graduate_body(), headers=wang)
    second = await client.post(
        "/jobs/v1/graduates", json=graduate_body(retention="came"), headers=wang
    )
    mine = await client.get("/jobs/v1/graduates/me", headers=wang)
    patched = await client.patch(
        "/jobs/v1/graduates/me", json={"employment_status": "employed"}, headers=wang
    )

    assert first.status_code == 201, first.text
    assert set(first.json()) == {
        "id",
        "university",
        "degree",
        "graduation_date",
        "retention",
        "employment_status",
        "district",
        "registered_at",
    }
    assert_problem(second, 409, "graduate_already_registered")
    assert mine.json() == first.json()
    assert patched.json()["employment_status"] == "employed"


async def test_someone_else_has_no_registration_and_dates_must_be_plausible(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    await client.post(
        "/jobs/v1/graduates", json=graduate_body(), headers=tokens.headers("a", "citizen")
    )
    other = tokens.headers("b", "citizen")

    missing = await client.get("/jobs/v1/graduates/me", headers=other)
    too_far = await client.post(
        "/jobs/v1/graduates", json=graduate_body(graduation_date="2030-01-01"), headers=other
    )
    too_old = await client.post(
        "/jobs/v1/graduates", json=graduate_body(graduation_date="1900-01-01"), headers=other
    )
    anonymous = await client.get("/jobs/v1/graduates/me")

    assert_problem(missing, 404, "graduate_not_registered")
    assert_problem(too_far, 422, "graduation_date_out_of_range")
    assert_problem(too_old, 422, "graduation_date_out_of_range")
    assert_problem(anonymous, 401, "unauthenticated")


async def test_progress_adds_live_registrations_to_the_historical_counts(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    async with service_context(jobs_app).database.sessionmaker() as session:
        session.add_all(
            RetentionAggregate(
                year=2022,
                district=district,
                retention=kind,
                graduates=n,
                as_of_date=date(2022, 11, 30),
                source="测试",
            )
            for district, kind, n in (("赛罕区", "stayed", 100), ("新城区", "came", 50))
        )
        await session.commit()
    for n, kind in enumerate(("stayed", "returned", "returned")):
        r = await client.post(
            "/jobs/v1/graduates",
            json=graduate_body(retention=kind),
            headers=tokens.headers(f"g{n}", "citizen"),
        )
        assert r.status_code == 201

    body = (await client.get("/jobs/v1/retention")).json()

    assert (body["target"], body["total"]) == (100_000, 153)
    assert body["progress"] == 0.0015
    assert {r["retention"]: r["graduates"] for r in body["by_retention"]} == {
        "stayed": 101,
        "returned": 2,
        "came": 50,
    }
    assert body["by_year"] == [
        {
            "year": 2022,
            "stayed": 100,
            "returned": 0,
            "came": 50,
            "total": 150,
            "historical": 150,
            "registered": 0,
        },
        {
            "year": 2026,
            "stayed": 1,
            "returned": 2,
            "came": 0,
            "total": 3,
            "historical": 0,
            "registered": 3,
        },
    ]
    assert body["historical"] == [
        {"year": 2022, "as_of_date": "2022-11-30", "graduates": 150, "source": "测试"}
    ]
