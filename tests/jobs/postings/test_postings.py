"""Posting search through the API: partial Chinese titles and employers, each filter, expiry,
newest first with stable pages; staff writes and their domain rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


def posting_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "employer": "呼和浩特青城软件有限公司",
        "title": "Java开发工程师",
        "category": "technology",
        "district": "赛罕区",
        "salary_min_fen": 600_000,
        "salary_max_fen": 900_000,
        "education": "bachelor",
        "graduate_friendly": True,
        "expires_at": (NOW + timedelta(days=30)).isoformat(),
    }
    body.update(overrides)
    return body


async def post(client: httpx.AsyncClient, staff: dict[str, str], **overrides: Any) -> int:
    r = await client.post("/jobs/v1/postings", json=posting_body(**overrides), headers=staff)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def ids(client: httpx.AsyncClient, **params: Any) -> list[int]:
    r = await client.get("/jobs/v1/postings", params={"limit": 100, **params})
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["items"]]


async def test_search_finds_partial_chinese_titles_and_employers_newest_first(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    java = await post(client, staff)
    nurse = await post(
        client, staff, employer="内蒙古康宁医院", title="护士", category="healthcare"
    )
    driver = await post(client, staff, employer="青城物流配送中心", title="配送司机")

    assert await ids(client) == [driver, nurse, java]
    assert await ids(client, q="开发工程") == [java]
    assert await ids(client, q="康宁") == [nurse]
    assert await ids(client, q="物流配送") == [driver]
    assert await ids(client, q="青城") == [driver, java]
    assert await ids(client, q="100%") == []  # LIKE wildcards are literal


async def test_each_filter_narrows_the_search(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    a = await post(client, staff)
    b = await post(
        client,
        staff,
        district="新城区",
        category="logistics",
        education="high_school",
        salary_min_fen=400_000,
        salary_max_fen=500_000,
        graduate_friendly=False,
    )
    c = await post(client, staff, education="master", salary_max_fen=1_500_000)

    assert await ids(client, district="新城区") == [b]
    assert await ids(client, category="technology") == [c, a]
    assert await ids(client, education="bachelor") == [b, a]  # what a bachelor may apply for
    assert await ids(client, education="doctorate") == [c, b, a]
    assert await ids(client, min_salary_fen=1_000_000) == [c]
    assert await ids(client, graduate_friendly="true") == [c, a]
    assert await ids(client, graduate_friendly="false") == [b]


async def test_expired_and_closed_postings_drop_out_of_search_but_stay_readable(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    soon = await post(client, staff, expires_at=(NOW + timedelta(days=2)).isoformat())
    later = await post(client, staff)
    closed = await post(client, staff)
    r = await client.patch(f"/jobs/v1/postings/{closed}", json={"status": "closed"}, headers=staff)
    assert r.json()["open"] is False

    assert await ids(client) == [later, soon]
    clock.advance(days=3)
    assert await ids(client) == [later]
    one = (await client.get(f"/jobs/v1/postings/{soon}")).json()
    assert one["open"] is False and one["status"] == "open"


async def test_pages_cover_every_posting_once(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    made = [await post(client, staff, title=f"岗位{n}") for n in range(7)]
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 3, "q": "岗位"}
    while True:
        body = (await client.get("/jobs/v1/postings", params=params)).json()
        seen.extend(i["id"] for i in body["items"])
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
        await post(client, staff, title="岗位 新")  # arrives meanwhile: not on a later page

    assert seen == made[::-1]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"salary_min_fen": 900_001}, "invalid_salary_range"),
        ({"expires_at": (NOW - timedelta(days=1)).isoformat()}, "invalid_expiry"),
    ],
)
async def test_a_salary_range_upside_down_or_an_expiry_before_posting_is_a_domain_422(
    client: httpx.AsyncClient,
    tokens: DevTokens,
    clock: MovableClock,
    overrides: dict[str, Any],
    code: str,
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")

    r = await client.post("/jobs/v1/postings", json=posting_body(**overrides), headers=staff)

    assert_problem(r, 422, code)
    assert await ids(client) == []


async def test_patch_checks_the_merged_range_and_staff_only(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    posting = await post(client, staff)

    upside = await client.patch(
        f"/jobs/v1/postings/{posting}", json={"salary_max_fen": 500_000}, headers=staff
    )
    citizen = await client.patch(
        f"/jobs/v1/postings/{posting}",
        json={"title": "x"},
        headers=tokens.headers("someone", "citizen"),
    )
    missing = await client.get("/jobs/v1/postings/987654")
    naive = await client.patch(
        f"/jobs/v1/postings/{posting}", json={"expires_at": "2026-07-01T18:00:00"}, headers=staff
    )

    assert_problem(upside, 422, "invalid_salary_range")
    assert_problem(citizen, 403, "forbidden")
    assert_problem(missing, 404, "posting_not_found")
    assert naive.json()["expires_at"] == "2026-07-01T10:00:00Z"  # read as Asia/Shanghai
