"""Communities as their own records: the two of the report, generated ones in every 旗县区,
nearby search, and the award that moved from a facility to its community."""

from __future__ import annotations

from typing import Any

import httpx

from common.districts import District, in_district
from common.geo import wgs84_to_gcj02
from services.eldercare.demo_places import AWARD_2022
from tests.fixtures.problems import assert_problem


async def _all(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 7, **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/eldercare/v1/communities", params=query)).json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items


async def test_the_reports_communities_with_their_award_and_programmes(
    seeded: httpx.AsyncClient,
) -> None:
    communities = {c["name"]: c for c in await _all(seeded)}

    xingkang, sanshundian = communities["兴康社区"], communities["三顺店社区"]
    assert (xingkang["district"], xingkang["street_office"]) == ("赛罕区", "人民路街道")
    assert xingkang["awards"] == [AWARD_2022]
    assert sanshundian["district"] == "回民区" and sanshundian["awards"] == []
    programmes = {p["name"]: p for p in sanshundian["programmes"]}
    assert {"专家健康讲座", "特殊老年群体关爱", "子女照护课堂", "老年大学"} <= set(programmes)
    assert programmes["老年大学"]["categories"] == [
        "dance",
        "calligraphy",
        "singing",
        "silk_flowers",
    ]
    assert programmes["子女照护课堂"]["categories"] == ["caregiver_course"]
    assert xingkang["facilities"] == 8


async def test_generated_communities_lie_in_every_district(seeded: httpx.AsyncClient) -> None:
    communities = await _all(seeded)

    assert {c["district"] for c in communities} == {d.value for d in District}
    for c in communities:
        assert in_district(District(c["district"]), c["centre"]["lat"], c["centre"]["lon"]), c
    assert len({c["id"] for c in communities}) == len(communities) >= 27
    saihan = await _all(seeded, district="赛罕区")
    assert {c["district"] for c in saihan} == {"赛罕区"} and len(saihan) == 6


async def test_nearby_communities_nearest_first_in_gcj02(seeded: httpx.AsyncClient) -> None:
    glat, glon = wgs84_to_gcj02(40.8042, 111.7015)

    r = await seeded.get(
        "/eldercare/v1/communities",
        params={"lat": glat, "lon": glon, "radius_m": 6000, "coord_sys": "gcj02"},
    )

    items = r.json()["items"]
    assert items[0]["name"] == "兴康社区" and items[0]["distance_m"] < 1
    assert items[0]["centre"]["coord_sys"] == "gcj02"
    distances = [c["distance_m"] for c in items]
    assert distances == sorted(distances) and distances[-1] <= 6000


async def test_one_community_and_its_facilities(seeded: httpx.AsyncClient) -> None:
    listed = (await seeded.get("/eldercare/v1/communities", params={"district": "回民区"})).json()
    sanshundian = next(c for c in listed["items"] if c["name"] == "三顺店社区")

    one = await seeded.get(f"/eldercare/v1/communities/{sanshundian['id']}")
    facilities = await seeded.get(
        "/eldercare/v1/facilities", params={"community_id": sanshundian["id"], "limit": 50}
    )

    assert one.json() == sanshundian
    items = facilities.json()["items"]
    assert len(items) == sanshundian["facilities"] == 6
    assert {f["community"] for f in items} == {"三顺店社区"}
    assert {f["community_id"] for f in items} == {sanshundian["id"]}
    assert_problem(await seeded.get("/eldercare/v1/communities/424242"), 404, "community_not_found")
