"""Activity search the way people type (issue 16 §4), through HTTP on PostgreSQL: 书法 and 书,
pinyin and initials; titles that are the term first, then those starting with it, then the
rest, each in time order; a staff edit of a title changes what the search finds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.eldercare.models import Community
from tests.eldercare.factories import add_activity, add_community
from tests.fixtures.tokens import DevTokens

URL = "/eldercare/v1/activities"


async def titles(client: httpx.AsyncClient, q: str, **params: Any) -> list[str]:
    r = await client.get(URL, params={"q": q, "limit": 100, **params})
    assert r.status_code == 200, r.text
    return [i["title"] for i in r.json()["items"]]


@pytest.fixture
async def community(eldercare_app: FastAPI) -> Community:
    return await add_community(eldercare_app)


@pytest.fixture
async def sessions(eldercare_app: FastAPI, community: Community) -> dict[str, int]:
    soon = datetime.now(UTC) + timedelta(days=2)
    made = {}
    # listed in time order: the later a session, the later it comes within its rank
    for hours, (title, category) in enumerate(
        [
            ("老年大学书法班", "calligraphy"),
            ("书法", "calligraphy"),
            ("硬笔书法入门", "calligraphy"),
            ("书法进阶", "calligraphy"),
            ("广场舞", "dance"),
            ("健康讲座:高血压", "health_lecture"),
        ]
    ):
        start = soon + timedelta(hours=3 * hours)
        row = await add_activity(
            eldercare_app,
            community,
            title=title,
            category=category,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        made[title] = row.id
    return made


async def test_characters_pinyin_and_initials_ranked_then_in_time_order(
    client: httpx.AsyncClient, sessions: dict[str, int]
) -> None:
    ranked = ["书法", "书法进阶", "老年大学书法班", "硬笔书法入门"]
    assert await titles(client, "书法") == ranked
    assert await titles(client, "书") == ranked
    assert await titles(client, "shufa") == ranked
    assert await titles(client, "sf") == ranked
    assert await titles(client, "舞") == ["广场舞"]
    assert await titles(client, "guangchangwu") == ["广场舞"]
    assert await titles(client, "gcw") == ["广场舞"]
    assert await titles(client, "gaoxueya") == ["健康讲座:高血压"]
    assert await titles(client, "书法", category="dance") == []


async def test_a_changed_title_changes_what_search_finds(
    client: httpx.AsyncClient, tokens: DevTokens, sessions: dict[str, int]
) -> None:
    staff = tokens.headers("eldercare-staff", "eldercare_staff")
    r = await client.patch(f"{URL}/{sessions['广场舞']}", json={"title": "太极拳"}, headers=staff)
    assert r.status_code == 200, r.text

    assert await titles(client, "广场") == []
    assert await titles(client, "gcw") == []
    assert await titles(client, "taijiquan") == ["太极拳"]
    assert await titles(client, "tjq") == ["太极拳"]
