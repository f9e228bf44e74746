"""Facility search the way people type (issue 16 §4), through HTTP on PostgreSQL: 食堂 and 堂,
pinyin and initials, names that are the term first; with a centre nearest first; a facility
renamed through the application's model is found by its new name only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from common.state import service_context
from services.eldercare.models import Community, Facility
from tests.eldercare.factories import FAR_AWAY, add_community, add_facility, offset

URL = "/eldercare/v1/facilities"


async def names(client: httpx.AsyncClient, q: str, **params: Any) -> list[str]:
    r = await client.get(URL, params={"q": q, "limit": 100, **params})
    assert r.status_code == 200, r.text
    return [i["name"] for i in r.json()["items"]]


@pytest.fixture
async def community(eldercare_app: FastAPI) -> Community:
    return await add_community(eldercare_app)


@pytest.fixture
async def places(eldercare_app: FastAPI, community: Community) -> dict[str, int]:
    made = {}
    for n, (name, kind) in enumerate(
        [
            ("幸福里社区老年食堂", "canteen"),
            ("老年食堂", "canteen"),
            ("长者食堂(北门)", "canteen"),
            ("康乐日间照料中心", "day_care"),
            ("大众药房", "pharmacy"),
        ]
    ):
        at = offset(FAR_AWAY, north_m=100.0 * n)
        made[name] = (await add_facility(eldercare_app, community, kind, at, name=name)).id
    return made


async def test_characters_pinyin_and_initials_ranked(
    client: httpx.AsyncClient, places: dict[str, int]
) -> None:
    assert await names(client, "老年食堂") == ["老年食堂", "幸福里社区老年食堂"]
    assert await names(client, "食堂") == ["幸福里社区老年食堂", "老年食堂", "长者食堂(北门)"]
    assert await names(client, "药") == ["大众药房"]
    assert await names(client, "laonianshitang") == ["老年食堂", "幸福里社区老年食堂"]
    assert await names(client, "shitang") == await names(client, "食堂")
    assert await names(client, "lnst") == ["老年食堂", "幸福里社区老年食堂"]
    assert await names(client, "zhangzhe") == ["长者食堂(北门)"]  # 长 as in 长者
    assert await names(client, "dzyf") == ["大众药房"]
    assert await names(client, "(北门)") == ["长者食堂(北门)"]
    assert await names(client, "食堂", kind="day_care") == []


async def test_with_a_centre_nearest_first(
    client: httpx.AsyncClient, places: dict[str, int]
) -> None:
    centre = offset(FAR_AWAY, north_m=400.0)
    found = await names(client, "st", lat=centre[0], lon=centre[1], radius_m=2000)
    assert found == ["长者食堂(北门)", "老年食堂", "幸福里社区老年食堂"]


async def test_a_renamed_facility_is_found_by_its_new_name(
    client: httpx.AsyncClient, eldercare_app: FastAPI, places: dict[str, int]
) -> None:
    async with service_context(eldercare_app).database.sessionmaker() as session:
        facility = await session.get(Facility, places["大众药房"])
        assert facility is not None
        facility.name = "仁和堂大药房"
        await session.commit()

    assert await names(client, "大众") == []
    assert await names(client, "dzyf") == []
    assert await names(client, "renhetang") == ["仁和堂大药房"]
    assert await names(client, "堂") == [  # none is or starts with 堂: by id
        "幸福里社区老年食堂",
        "老年食堂",
        "长者食堂(北门)",
        "仁和堂大药房",
    ]
