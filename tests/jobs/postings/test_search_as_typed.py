"""Posting search the way people type (issue 16 §4), through HTTP on PostgreSQL: two characters,
one character, full pinyin (in context: 会计 is kuaiji), unfinished pinyin, initials; titles that
are the term first, then titles that start with it, then the rest (newest first within each);
and a staff edit of a title changes what the search finds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import posting_body

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


async def post(client: httpx.AsyncClient, staff: dict[str, str], title: str, employer: str) -> int:
    body = posting_body(title, employer, NOW + timedelta(days=30))
    r = await client.post("/jobs/v1/postings", json=body, headers=staff)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def titles(client: httpx.AsyncClient, q: str) -> list[str]:
    r = await client.get("/jobs/v1/postings", params={"q": q, "limit": 100})
    assert r.status_code == 200, r.text
    return [i["title"] for i in r.json()["items"]]


@pytest.fixture
async def postings(
    client: httpx.AsyncClient, tokens: DevTokens, clock: MovableClock
) -> dict[str, int]:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    made = {}
    for title, employer in [
        ("财务会计", "青城商贸有限公司"),
        ("会计", "呼和浩特抱抱熊托育有限公司"),
        ("出纳", "北方会计师事务所"),
        ("会计主管", "塞外物流有限公司"),
        ("销售代表", "蒙牛乳业"),
        ("税务专员", "青城商贸有限公司"),
        ("会议策划", "草原会展中心"),
    ]:
        made[title] = await post(client, staff, title, employer)
    return made


async def test_two_characters_rank_exact_then_prefix_then_the_rest(
    client: httpx.AsyncClient, postings: dict[str, int]
) -> None:
    # exact title, a title starting with it, then the others newest first (an employer match
    # counts as "the rest"); 会议 shares 会 only, so it is not a match
    assert await titles(client, "会计") == ["会计", "会计主管", "出纳", "财务会计"]
    assert await titles(client, "销售") == ["销售代表"]


async def test_one_character_matches_every_text_holding_it(
    client: httpx.AsyncClient, postings: dict[str, int]
) -> None:
    assert await titles(client, "税") == ["税务专员"]
    # none is 会 itself: three start with it (newest first), then the rest
    assert await titles(client, "会") == ["会议策划", "会计主管", "会计", "出纳", "财务会计"]


async def test_full_pinyin_in_context_and_while_typing(
    client: httpx.AsyncClient, postings: dict[str, int]
) -> None:
    # 会 reads kuai in 会计 and hui in 会议: pinyin follows the word
    assert await titles(client, "kuaiji") == ["会计", "会计主管", "出纳", "财务会计"]
    assert await titles(client, "huiyi") == ["会议策划"]
    assert await titles(client, "KuaiJi") == await titles(client, "kuaiji")
    assert await titles(client, "kuai ji") == await titles(client, "kuaiji")
    # still typing: no title is "kuaij" yet, two start with it
    assert await titles(client, "kuaij") == ["会计主管", "会计", "出纳", "财务会计"]
    assert await titles(client, "baobaoxiong") == ["会计"]  # its employer
    assert await titles(client, "xiaoshou") == ["销售代表"]
    assert await titles(client, "shuiwu") == ["税务专员"]
    assert await titles(client, "jikuai") == []  # the syllables in their order only


async def test_initials(client: httpx.AsyncClient, postings: dict[str, int]) -> None:
    assert await titles(client, "bbx") == ["会计"]
    assert await titles(client, "kj") == ["会计", "会计主管", "出纳", "财务会计"]
    assert await titles(client, "xsdb") == ["销售代表"]
    assert await titles(client, "qqq") == []


async def test_existing_substring_search_still_holds(
    client: httpx.AsyncClient, postings: dict[str, int]
) -> None:
    assert await titles(client, "会计主管") == ["会计主管"]
    assert await titles(client, "计主") == ["会计主管"]
    assert await titles(client, "青城商贸") == ["税务专员", "财务会计"]
    assert await titles(client, "计会") == []  # characters in their order only
    assert await titles(client, "it's") == []  # a quote is a character, not syntax
    assert await titles(client, "a|b & !c") == []


async def test_ranked_pages_cover_every_match_once(
    client: httpx.AsyncClient, postings: dict[str, int]
) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"q": "kj", "limit": 1, **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/jobs/v1/postings", params=params)).json()
        seen += [i["title"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["会计", "会计主管", "出纳", "财务会计"]


async def test_a_changed_title_changes_what_search_finds(
    client: httpx.AsyncClient, tokens: DevTokens, postings: dict[str, int]
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    r = await client.patch(
        f"/jobs/v1/postings/{postings['销售代表']}", json={"title": "出纳员"}, headers=staff
    )
    assert r.status_code == 200, r.text

    assert await titles(client, "销售") == []
    assert await titles(client, "xsdb") == []
    assert await titles(client, "chuna") == ["出纳", "出纳员"]  # the exact one, then the prefix
    assert await titles(client, "cny") == ["出纳员"]
    # a change of something else keeps the document as it was
    r = await client.patch(
        f"/jobs/v1/postings/{postings['出纳']}", json={"openings": 3}, headers=staff
    )
    assert r.status_code == 200, r.text
    assert await titles(client, "kuaijishi") == ["出纳"]


@pytest.mark.parametrize("typed", [" ", "'", "\\", ":*", "&", "!", "()", "<->", "a:*", "''"])
async def test_tsquery_syntax_typed_is_text(
    client: httpx.AsyncClient, postings: dict[str, int], typed: str
) -> None:
    assert await titles(client, typed) == []
