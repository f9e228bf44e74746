"""District keys (issue 16 §3) in the jobs service: a posting made with `xincheng` is stored and
answered as `新城区`, and found by either form."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.tokens import DevTokens

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
BODY = {
    "employer": "呼和浩特青城软件有限公司",
    "title": "Java开发工程师",
    "category": "technology",
    "salary_min_fen": 600_000,
    "salary_max_fen": 900_000,
    "education": "bachelor",
    "expires_at": (NOW + timedelta(days=30)).isoformat(),
}


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


async def test_a_posting_takes_and_is_found_by_a_district_key(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("keys-jobs-staff", "jobs_staff")
    created = await client.post(
        "/jobs/v1/postings", json={**BODY, "district": "xincheng"}, headers=staff
    )

    by_key = (await client.get("/jobs/v1/postings", params={"district": "xincheng"})).json()
    by_name = (await client.get("/jobs/v1/postings", params={"district": "新城区"})).json()

    assert created.status_code == 201, created.text
    assert created.json()["district"] == "新城区"
    assert [p["id"] for p in by_key["items"]] == [created.json()["id"]]
    assert by_key["items"] == by_name["items"]
