from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from common.geo import haversine_m, wgs84_to_gcj02
from common.state import service_context
from services.eldercare.demo_places import AWARD_2022
from services.eldercare.seed import seed


async def _all(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 50, **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/eldercare/v1/facilities", params=query)).json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items


async def test_demo_data_has_the_named_communities_and_seeds_once(
    seeded: httpx.AsyncClient, eldercare_app: FastAPI
) -> None:
    xingkang = await _all(seeded, community="兴康社区")
    sanshundian = await _all(seeded, community="三顺店社区")

    centre = next(f for f in xingkang if f["kind"] == "home_care_centre")
    assert centre["district"] == "赛罕区" and centre["street_office"] == "人民路街道"
    assert AWARD_2022 in centre["awards"]  # the community's award, shown with its facilities
    assert {"基本医疗", "日间照料", "文化娱乐", "精神慰藉"} <= set(centre["services"])
    university = next(f for f in sanshundian if f["kind"] == "elder_university")
    assert {"舞蹈", "书法", "歌唱", "绢花"} <= set(university["services"])
    assert all(f["district"] == "回民区" for f in sanshundian)
    async with service_context(eldercare_app).database.sessionmaker() as session:
        assert await seed(session) is False
    assert len(await _all(seeded, community="兴康社区")) == len(xingkang)


async def test_nearby_facilities_are_ordered_by_distance(seeded: httpx.AsyncClient) -> None:
    items = await _all(seeded, lat=40.8042, lon=111.7015, radius_m=1000)

    assert items and items[0]["community"] == "兴康社区"
    distances = [f["distance_m"] for f in items]
    assert distances == sorted(distances) and distances[-1] <= 1000
    loc = items[0]["location"]
    assert abs(haversine_m(40.8042, 111.7015, loc["lat"], loc["lon"]) - distances[0]) < 5


async def test_gcj02_round_trip_and_kind_filter(seeded: httpx.AsyncClient) -> None:
    glat, glon = wgs84_to_gcj02(40.8042, 111.7015)
    wgs = await _all(seeded, lat=40.8042, lon=111.7015, radius_m=1500, kind="canteen")
    gcj = await _all(seeded, lat=glat, lon=glon, radius_m=1500, kind="canteen", coord_sys="gcj02")

    assert wgs and all(f["kind"] == "canteen" for f in wgs)
    assert [f["id"] for f in gcj] == [f["id"] for f in wgs]
    assert gcj[0]["location"]["coord_sys"] == "gcj02"


async def test_pages_cover_every_facility_once(seeded: httpx.AsyncClient) -> None:
    everything = await _all(seeded)
    district = await _all(seeded, district="赛罕区")

    assert len(everything) == len({f["id"] for f in everything}) >= 100
    assert district and all(f["district"] == "赛罕区" for f in district)


async def test_some_communities_lack_an_essential_kind(seeded: httpx.AsyncClient) -> None:
    essentials = {
        "home_care_centre",
        "health_station",
        "culture_sports_centre",
        "canteen",
        "grocery",
    }
    kinds: dict[str, set[str]] = {}
    for f in await _all(seeded):
        kinds.setdefault(f["community"], set()).add(f["kind"])

    gaps = [c for c, k in kinds.items() if not essentials <= k]
    assert gaps and "兴康社区" not in gaps


async def test_problems_for_unknown_facility_and_bad_query(client: httpx.AsyncClient) -> None:
    missing = await client.get("/eldercare/v1/facilities/424242")
    bad_kind = await client.get("/eldercare/v1/facilities", params={"kind": "casino"})

    assert missing.status_code == 404 and missing.json()["code"] == "facility_not_found"
    assert bad_kind.status_code == 422 and bad_kind.json()["errors"][0]["loc"] == ["query", "kind"]
