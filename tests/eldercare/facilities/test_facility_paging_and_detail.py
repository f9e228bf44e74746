"""Nearby keyset paging, one facility in another coordinate system, and validation problems."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from common.geo import wgs84_to_gcj02
from common.state import service_context
from services.eldercare.models import Facility

CENTRE = {"lat": 40.8042, "lon": 111.7015}


async def _pages(client: httpx.AsyncClient, **params: Any) -> tuple[list[int], int]:
    ids: list[int] = []
    pages = 0
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/eldercare/v1/facilities", params=query)).json()
        ids.extend(f["id"] for f in body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, pages


async def test_small_nearby_pages_equal_one_big_page(seeded: httpx.AsyncClient) -> None:
    big = (
        await seeded.get(
            "/eldercare/v1/facilities", params={**CENTRE, "radius_m": 3000, "limit": 100}
        )
    ).json()
    ids, pages = await _pages(seeded, **CENTRE, radius_m=3000, limit=7)

    assert big["next_cursor"] is None
    assert ids == [f["id"] for f in big["items"]]
    assert pages == -(-len(ids) // 7)  # ceil: no empty trailing page
    assert len(ids) > 7


async def test_unfiltered_pages_cover_every_row_in_the_table_once(
    seeded: httpx.AsyncClient, eldercare_app: Any
) -> None:
    ids, _ = await _pages(seeded, limit=100)
    async with service_context(eldercare_app).database.sessionmaker() as session:
        total = await session.scalar(select(func.count()).select_from(Facility))

    assert len(ids) == len(set(ids)) == total
    assert ids == sorted(ids)


async def test_one_facility_in_gcj02_matches_the_list(seeded: httpx.AsyncClient) -> None:
    listed = (
        await seeded.get("/eldercare/v1/facilities", params={"community": "兴康社区", "limit": 1})
    ).json()["items"][0]

    one = (
        await seeded.get(f"/eldercare/v1/facilities/{listed['id']}", params={"coord_sys": "gcj02"})
    ).json()

    glat, glon = wgs84_to_gcj02(listed["location"]["lat"], listed["location"]["lon"])
    assert one["name"] == listed["name"] and one["community"] == "兴康社区"
    assert one["location"]["coord_sys"] == "gcj02"
    assert abs(one["location"]["lat"] - glat) < 1e-6
    assert abs(one["location"]["lon"] - glon) < 1e-6
    assert one["distance_m"] is None


async def test_radius_over_50_km_and_unknown_district_are_422(client: httpx.AsyncClient) -> None:
    too_far = await client.get("/eldercare/v1/facilities", params={**CENTRE, "radius_m": 50_001})
    bad_district = await client.get("/eldercare/v1/facilities", params={"district": "朝阳区"})
    bad_cursor = await client.get("/eldercare/v1/facilities", params={"cursor": "forged"})

    assert too_far.status_code == 422
    assert too_far.headers["content-type"] == "application/problem+json"
    assert too_far.json()["errors"][0]["loc"] == ["query", "radius_m"]
    assert bad_district.status_code == 422
    assert bad_district.json()["errors"][0]["loc"] == ["query", "district"]
    assert bad_cursor.status_code == 400
    assert bad_cursor.json()["code"] == "invalid_cursor"
