"""Institution search the way people type (issue 16 §4), through HTTP on PostgreSQL: 托育 and 托,
`baobaoxiong` and `bbx` for 抱抱熊; names that are the term, then names that start with it,
then the rest; with a centre the order stays nearest first; a staff rename changes what the
search finds, and names with quotes and backslashes are stored and found as written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.childcare.factories import add_institution
from tests.fixtures.tokens import DevTokens

URL = "/childcare/v1/institutions"


async def names(client: httpx.AsyncClient, q: str, **params: Any) -> list[str]:
    r = await client.get(URL, params={"q": q, "limit": 100, **params})
    assert r.status_code == 200, r.text
    return [i["name"] for i in r.json()["items"]]


@pytest.fixture
async def places(childcare_app: FastAPI) -> dict[str, int]:
    made = {}
    for name, lat in [
        ("青城阳光托育中心", 40.800),
        ("抱抱熊托育园", 40.810),
        ("托育", 40.820),
        ("托育之家", 40.830),
        ("抱抱熊", 40.840),
        ("小太阳幼儿园托班", 40.850),
    ]:
        made[name] = (await add_institution(childcare_app, name=name, lat=lat, lon=111.73)).id
    return made


async def test_two_characters_and_one_ranked_by_name(
    client: httpx.AsyncClient, places: dict[str, int]
) -> None:
    # the exact name, the two starting with 托育 (by id), then the rest (by id)
    assert await names(client, "托育") == ["托育", "托育之家", "青城阳光托育中心", "抱抱熊托育园"]
    assert await names(client, "托") == [
        "托育",
        "托育之家",
        "青城阳光托育中心",
        "抱抱熊托育园",
        "小太阳幼儿园托班",
    ]
    assert await names(client, "幼儿") == ["小太阳幼儿园托班"]


async def test_pinyin_and_initials(client: httpx.AsyncClient, places: dict[str, int]) -> None:
    assert await names(client, "baobaoxiong") == ["抱抱熊", "抱抱熊托育园"]
    assert await names(client, "bbx") == ["抱抱熊", "抱抱熊托育园"]
    assert await names(client, "baobaox") == ["抱抱熊托育园", "抱抱熊"]  # both start so: by id
    assert await names(client, "tuoyu") == await names(client, "托育")
    # initials are ambiguous by nature: 太阳 is ty too
    assert await names(client, "ty") == [*await names(client, "托育"), "小太阳幼儿园托班"]
    assert await names(client, "xiaotaiyang") == ["小太阳幼儿园托班"]
    assert await names(client, "xtyyey") == ["小太阳幼儿园托班"]  # xtyy: 熊托育园 too
    assert await names(client, "Bao Bao Xiong") == ["抱抱熊", "抱抱熊托育园"]


async def test_with_a_centre_the_order_stays_nearest_first(
    client: httpx.AsyncClient, places: dict[str, int]
) -> None:
    found = await names(client, "托育", lat=40.835, lon=111.73, radius_m=5000)
    assert found == ["托育之家", "托育", "抱抱熊托育园", "青城阳光托育中心"]


async def test_a_rename_changes_what_search_finds(
    client: httpx.AsyncClient, tokens: DevTokens, places: dict[str, int]
) -> None:
    staff = tokens.headers("staff-1", "childcare_staff")
    r = await client.patch(
        f"{URL}/{places['抱抱熊']}", json={"name": "金色童年托育"}, headers=staff
    )
    assert r.status_code == 200, r.text

    assert await names(client, "bbx") == ["抱抱熊托育园"]
    assert await names(client, "金色") == ["金色童年托育"]
    assert await names(client, "jinsetongnian") == ["金色童年托育"]
    assert await names(client, "jstn") == ["金色童年托育"]


async def test_quotes_and_backslashes_are_text(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    await add_institution(childcare_app, name="Kid's \\ 乐园")
    await add_institution(childcare_app, name="100% 托育")

    assert await names(client, "kid's") == ["Kid's \\ 乐园"]
    assert await names(client, "s \\ 乐") == ["Kid's \\ 乐园"]
    assert await names(client, "100%") == ["100% 托育"]
    assert await names(client, "0% 托") == ["100% 托育"]
    assert await names(client, "leyuan") == ["Kid's \\ 乐园"]
    assert await names(client, "l") == []  # one letter is a character, not pinyin
