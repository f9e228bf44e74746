from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from common.clock import Clock
from common.geo import haversine_m, wgs84_to_gcj02
from common.state import service_context
from services.jobs.seed import seed


async def _all(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/jobs/v1/stations", params=query)).json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture
def pinned_clock(jobs_app: FastAPI) -> Iterator[list[datetime]]:
    """Pins the app's clock; tests set `clock[0]`."""
    clock = [datetime(2026, 11, 25, 4, 0, tzinfo=UTC)]  # a Wednesday, 12:00 in Hohhot
    original = service_context(jobs_app).clock
    service_context(jobs_app).clock = Clock(lambda: clock[0])
    yield clock
    service_context(jobs_app).clock = original


async def test_demo_data_has_at_least_140_stations_and_seeds_once(
    seeded: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    stations = await _all(seeded)

    assert len(stations) >= 140
    assert len({s["id"] for s in stations}) == len(stations)
    assert all({"hot_water", "phone_charging"} <= set(s["amenities"]) for s in stations)
    assert len({s["district"] for s in stations}) >= 8
    async with service_context(jobs_app).database.sessionmaker() as session:
        assert await seed(session) is False
    assert len(await _all(seeded)) == len(stations)


async def test_nearby_is_ordered_by_distance_within_the_radius(seeded: httpx.AsyncClient) -> None:
    items = await _all(seeded, lat=40.84, lon=111.75, radius_m=5000)

    assert items, "the city centre has stations within 5 km"
    distances = [s["distance_m"] for s in items]
    assert distances == sorted(distances)
    assert all(d <= 5000 for d in distances)
    first = items[0]
    assert (
        abs(
            haversine_m(40.84, 111.75, first["location"]["lat"], first["location"]["lon"])
            - distances[0]
        )
        < 5
    )


async def test_gcj02_search_finds_the_same_stations(seeded: httpx.AsyncClient) -> None:
    wgs = await _all(seeded, lat=40.84, lon=111.75, radius_m=3000)
    glat, glon = wgs84_to_gcj02(40.84, 111.75)
    gcj = await _all(seeded, lat=glat, lon=glon, radius_m=3000, coord_sys="gcj02")

    assert [s["id"] for s in gcj] == [s["id"] for s in wgs]
    assert gcj[0]["location"]["coord_sys"] == "gcj02"
    assert abs(gcj[0]["location"]["lat"] - wgs[0]["location"]["lat"]) > 1e-4


async def test_amenity_filter_requires_every_amenity(seeded: httpx.AsyncClient) -> None:
    both = await _all(seeded, amenity=["fitness", "recreation"])
    fitness = await _all(seeded, amenity=["fitness"])

    assert both and all({"fitness", "recreation"} <= set(s["amenities"]) for s in both)
    assert len(fitness) >= len(both)
    assert all("fitness" in s["amenities"] for s in fitness)


async def test_open_now_follows_the_local_schedule(
    seeded: httpx.AsyncClient, pinned_clock: list[datetime]
) -> None:
    pinned_clock[0] = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)  # Wed 12:00 Asia/Shanghai
    noon = await _all(seeded, open_now="true")
    pinned_clock[0] = datetime(2026, 11, 25, 19, 30, tzinfo=UTC)  # Thu 03:30 Asia/Shanghai
    night_open = await _all(seeded, open_now="true")
    night_closed = await _all(seeded, open_now="false")

    assert len(noon) > len(night_open)
    assert all(s["open_now"] for s in noon + night_open)
    assert all(not s["open_now"] for s in night_closed)
    assert len(night_open) + len(night_closed) == len(await _all(seeded))


async def test_geojson_layer_has_every_station_in_lon_lat_order(seeded: httpx.AsyncClient) -> None:
    layer = (await seeded.get("/jobs/v1/stations.geojson", params={"coord_sys": "bd09"})).json()
    stations = {s["id"]: s for s in await _all(seeded, coord_sys="bd09")}

    assert layer["type"] == "FeatureCollection"
    assert len(layer["features"]) == len(stations)
    feature = layer["features"][0]
    station = stations[feature["properties"]["id"]]
    assert feature["geometry"]["coordinates"] == [
        station["location"]["lon"],
        station["location"]["lat"],
    ]


async def test_unknown_station_and_bad_radius_are_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get("/jobs/v1/stations/987654")
    too_far = await client.get(
        "/jobs/v1/stations", params={"lat": 40.8, "lon": 111.7, "radius_m": 50001}
    )
    half = await client.get("/jobs/v1/stations", params={"lat": 40.8})

    assert missing.status_code == 404 and missing.json()["code"] == "station_not_found"
    assert too_far.status_code == 422 and too_far.json()["code"] == "validation_error"
    assert half.status_code == 422 and half.json()["code"] == "incomplete_location"
