"""The 15-minute circle: the reach of the walking model, gaps, coordinate systems, the index."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from common.geo import wgs84_to_gcj02
from common.state import service_context
from services.eldercare.facilities.repository import CIRCLE
from tests.eldercare.factories import FAR_AWAY, add_community, add_facility, offset
from tests.fixtures.problems import assert_problem

# the default walking model: 60 m a minute, detour 1.25 → 15 minutes reach 720 m
REACH_M = 720.0


async def test_a_facility_just_inside_the_reach_is_in_and_one_just_outside_is_not(
    client: httpx.AsyncClient, eldercare_app: FastAPI
) -> None:
    home = await add_community(eldercare_app)
    inside = await add_facility(eldercare_app, home, "canteen", offset(FAR_AWAY, REACH_M - 4))
    outside = await add_facility(eldercare_app, home, "grocery", offset(FAR_AWAY, 0, REACH_M + 4))

    r = await client.get("/eldercare/v1/circle", params={"lat": FAR_AWAY[0], "lon": FAR_AWAY[1]})

    assert r.status_code == 200, r.text
    circle = r.json()
    assert circle["walking"] == {
        "minutes": 15,
        "speed_m_per_min": 60.0,
        "detour_factor": 1.25,
        "reach_m": 720.0,
    }
    found = [f for k in circle["by_kind"] for f in k["facilities"]]
    assert [f["id"] for f in found] == [inside.id]
    assert outside.id not in {f["id"] for f in found}
    canteen = found[0]
    assert abs(canteen["distance_m"] - (REACH_M - 4)) < 1
    assert abs(canteen["walk_minutes"] - 14.9) < 0.05  # 716 m × 1.25 ÷ 60
    assert "grocery" in circle["missing_essential"] and circle["complete"] is False


async def test_more_minutes_reach_further(
    client: httpx.AsyncClient, eldercare_app: FastAPI
) -> None:
    home = await add_community(eldercare_app)
    far = await add_facility(eldercare_app, home, "pharmacy", offset(FAR_AWAY, 1000))

    fifteen = await client.get(
        "/eldercare/v1/circle", params={"lat": FAR_AWAY[0], "lon": FAR_AWAY[1]}
    )
    twenty = await client.get(
        "/eldercare/v1/circle", params={"lat": FAR_AWAY[0], "lon": FAR_AWAY[1], "minutes": 21}
    )

    assert fifteen.json()["facilities_in_reach"] == 0
    assert twenty.json()["walking"]["reach_m"] == 1008.0
    assert [k["kind"] for k in twenty.json()["by_kind"]] == ["pharmacy"]
    assert twenty.json()["by_kind"][0]["facilities"][0]["id"] == far.id


async def test_a_community_missing_a_kind_shows_the_gap(
    client: httpx.AsyncClient, eldercare_app: FastAPI
) -> None:
    home = await add_community(eldercare_app, name="缺超市社区")
    for n, kind in enumerate(["home_care_centre", "health_station", "culture_sports_centre"]):
        await add_facility(eldercare_app, home, kind, offset(FAR_AWAY, 100 * (n + 1)))
    await add_facility(eldercare_app, home, "canteen", offset(FAR_AWAY, 0, 200))
    await add_facility(eldercare_app, home, "canteen", offset(FAR_AWAY, 0, 300), name="第二助餐点")

    r = await client.get(f"/eldercare/v1/communities/{home.id}/circle", params={"per_kind": 1})

    circle = r.json()
    assert circle["community"] == {"id": home.id, "name": "缺超市社区", "district": "武川县"}
    assert circle["missing_essential"] == ["grocery"] and circle["complete"] is False
    kinds = [k["kind"] for k in circle["by_kind"]]
    assert kinds == ["home_care_centre", "health_station", "culture_sports_centre", "canteen"]
    canteen = circle["by_kind"][3]
    assert canteen["in_reach"] == 2 and len(canteen["facilities"]) == 1  # per_kind caps the list
    assert canteen["facilities"][0]["distance_m"] < 201
    assert circle["facilities_in_reach"] == 5


async def test_gcj02_in_and_out(client: httpx.AsyncClient, eldercare_app: FastAPI) -> None:
    home = await add_community(eldercare_app)
    place = offset(FAR_AWAY, 300, 200)
    facility = await add_facility(eldercare_app, home, "health_station", place)
    glat, glon = wgs84_to_gcj02(*FAR_AWAY)

    wgs = (
        await client.get("/eldercare/v1/circle", params={"lat": FAR_AWAY[0], "lon": FAR_AWAY[1]})
    ).json()
    gcj = (
        await client.get(
            "/eldercare/v1/circle", params={"lat": glat, "lon": glon, "coord_sys": "gcj02"}
        )
    ).json()

    [station] = gcj["by_kind"][0]["facilities"]
    assert station["id"] == facility.id
    assert abs(station["distance_m"] - wgs["by_kind"][0]["facilities"][0]["distance_m"]) < 0.5
    expected = wgs84_to_gcj02(*place)
    assert station["location"]["coord_sys"] == "gcj02"
    assert abs(station["location"]["lat"] - expected[0]) < 1e-6
    assert abs(station["location"]["lon"] - expected[1]) < 1e-6
    assert abs(gcj["centre"]["lat"] - glat) < 1e-6 and gcj["centre"]["coord_sys"] == "gcj02"


async def test_bad_circle_queries_are_problems(client: httpx.AsyncClient) -> None:
    no_point = await client.get("/eldercare/v1/circle")
    too_long = await client.get(
        "/eldercare/v1/circle", params={"lat": 40.8, "lon": 111.7, "minutes": 61}
    )
    missing = await client.get("/eldercare/v1/communities/424242/circle")

    assert_problem(no_point, 422, "validation_error")
    assert_problem(too_long, 422, "validation_error")
    assert_problem(missing, 404, "community_not_found")


async def test_the_circle_query_walks_the_gist_index(eldercare_app: FastAPI) -> None:
    async with service_context(eldercare_app).database.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        # with so few rows the planner may rightly prefer a scan; forbidding one shows that the
        # statement can use the index at all (a predicate it could not use would still scan)
        await raw.execute("SET enable_seqscan = off")
        try:
            plan = await raw.fetch("EXPLAIN " + CIRCLE.sql, 40.8, 111.7, 720.0, 5)
        finally:
            await raw.execute("RESET enable_seqscan")
    text = "\n".join(r[0] for r in plan)
    assert "ix_facility_earth_loc" in text, text
    assert "Seq Scan on facility" not in text, text
