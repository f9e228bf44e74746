"""Station rules on hand-made rows: exact distances, filters, schedules and exceptions, paging."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import httpx
import pytest
from fastapi import FastAPI

from common.clock import Clock
from common.geo import gcj02_to_bd09, haversine_m, wgs84_to_gcj02
from common.state import service_context
from tests.jobs.factories import add_station


@pytest.fixture
def set_clock(jobs_app: FastAPI) -> Iterator[Callable[[datetime], None]]:
    """Pins the app's "now" (an aware datetime) for the test; restores the real clock after."""
    original = service_context(jobs_app).clock

    def pin(now: datetime) -> None:
        service_context(jobs_app).clock = Clock.fixed(now)

    yield pin
    service_context(jobs_app).clock = original


# 2026-06-10 is a Wednesday (ISO weekday 3); 12:00 in Hohhot is 04:00 UTC
WEDNESDAY_NOON_LOCAL = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)


async def test_nearby_search_orders_by_distance_and_reports_it(
    client: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    far = await add_station(jobs_app, name="远处驿站", lat=40.83, lon=111.73)
    near = await add_station(jobs_app, name="近处驿站", lat=40.801, lon=111.731)
    await add_station(jobs_app, name="城外驿站", lat=41.5, lon=112.5)

    r = await client.get(
        "/jobs/v1/stations", params={"lat": 40.80, "lon": 111.73, "radius_m": 5000}
    )

    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["id"] for i in items] == [near.id, far.id]
    expected = haversine_m(40.80, 111.73, 40.801, 111.731)
    assert abs(items[0]["distance_m"] - expected) < 5
    assert items[0]["distance_m"] < items[1]["distance_m"] <= 5000


async def test_gcj02_and_bd09_input_and_output_round_trip(
    client: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    station = await add_station(jobs_app, lat=40.80, lon=111.73)
    glat, glon = wgs84_to_gcj02(40.80, 111.73)
    blat, blon = gcj02_to_bd09(glat, glon)

    for coord_sys, (lat, lon) in (("gcj02", (glat, glon)), ("bd09", (blat, blon))):
        r = await client.get(
            "/jobs/v1/stations",
            params={"lat": lat, "lon": lon, "radius_m": 100, "coord_sys": coord_sys},
        )
        items = r.json()["items"]
        assert [i["id"] for i in items] == [station.id]
        assert items[0]["distance_m"] < 1
        assert items[0]["location"]["coord_sys"] == coord_sys
        assert abs(items[0]["location"]["lat"] - lat) < 1e-6
        assert abs(items[0]["location"]["lon"] - lon) < 1e-6


async def test_district_filter(client: httpx.AsyncClient, jobs_app: FastAPI) -> None:
    xincheng = await add_station(jobs_app, district="新城区")
    await add_station(jobs_app, district="回民区")

    body = (await client.get("/jobs/v1/stations", params={"district": "新城区"})).json()

    assert [i["id"] for i in body["items"]] == [xincheng.id]
    assert body["items"][0]["district"] == "新城区"


async def test_amenity_filter_requires_every_amenity_given(
    client: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    both = await add_station(
        jobs_app, amenities=["hot_water", "phone_charging", "fitness", "recreation"]
    )
    await add_station(jobs_app, amenities=["hot_water", "phone_charging", "fitness"])
    await add_station(jobs_app, amenities=["hot_water", "phone_charging"])

    r = await client.get("/jobs/v1/stations?amenity=fitness&amenity=recreation&amenity=fitness")

    items = r.json()["items"]
    assert [i["id"] for i in items] == [both.id]
    assert set(items[0]["amenities"]) >= {"fitness", "recreation"}
    only_fitness = (await client.get("/jobs/v1/stations", params={"amenity": "fitness"})).json()
    assert len(only_fitness["items"]) == 2


async def test_open_now_follows_the_weekly_schedule_in_local_time(
    client: httpx.AsyncClient, jobs_app: FastAPI, set_clock: Callable[[datetime], None]
) -> None:
    day_shift = await add_station(jobs_app, name="白班", hours=[(3, 8 * 60, 20 * 60)])
    night_shift = await add_station(
        jobs_app, name="夜班", hours=[(3, 0, 6 * 60), (3, 22 * 60, 1440)]
    )
    set_clock(WEDNESDAY_NOON_LOCAL)

    open_ids = [
        i["id"]
        for i in (await client.get("/jobs/v1/stations", params={"open_now": "true"})).json()[
            "items"
        ]
    ]
    closed_ids = [
        i["id"]
        for i in (await client.get("/jobs/v1/stations", params={"open_now": "false"})).json()[
            "items"
        ]
    ]
    detail = (await client.get(f"/jobs/v1/stations/{night_shift.id}")).json()

    assert open_ids == [day_shift.id]
    assert closed_ids == [night_shift.id]
    assert detail["open_now"] is False
    assert detail["opening_hours"] == [
        {"weekday": 3, "opens": "00:00", "closes": "06:00"},
        {"weekday": 3, "opens": "22:00", "closes": "24:00"},
    ]


async def test_open_now_uses_asia_shanghai_not_utc(
    client: httpx.AsyncClient, jobs_app: FastAPI, set_clock: Callable[[datetime], None]
) -> None:
    # Tuesday 23:30 UTC is Wednesday 07:30 in Hohhot: closed on Tuesday's UTC reading
    # (open 08:00-20:00 only on Wednesday), and at 07:30 local still closed; at 08:30 open
    station = await add_station(jobs_app, hours=[(3, 8 * 60, 20 * 60)])

    set_clock(datetime(2026, 6, 9, 23, 30, tzinfo=UTC))
    before = (await client.get(f"/jobs/v1/stations/{station.id}")).json()
    set_clock(datetime(2026, 6, 10, 0, 30, tzinfo=UTC))  # Wednesday 08:30 local, 00:30 UTC
    after = (await client.get(f"/jobs/v1/stations/{station.id}")).json()

    assert before["open_now"] is False
    assert after["open_now"] is True


async def test_holiday_closure_and_special_hours_replace_the_schedule(
    client: httpx.AsyncClient, jobs_app: FastAPI, set_clock: Callable[[datetime], None]
) -> None:
    closed_today = await add_station(
        jobs_app, name="春节闭站", exceptions=[(date(2026, 6, 10), True, None, None)]
    )
    short_day = await add_station(
        jobs_app, name="缩短开放", exceptions=[(date(2026, 6, 10), False, 600, 660)]
    )
    extra_day = await add_station(
        jobs_app, name="加开", hours=[], exceptions=[(date(2026, 6, 10), False, 11 * 60, 13 * 60)]
    )
    regular = await add_station(
        jobs_app, name="照常", exceptions=[(date(2026, 6, 11), True, None, None)]
    )
    set_clock(WEDNESDAY_NOON_LOCAL)

    body = (await client.get("/jobs/v1/stations", params={"open_now": "true"})).json()
    detail = (await client.get(f"/jobs/v1/stations/{closed_today.id}")).json()

    assert [i["id"] for i in body["items"]] == [extra_day.id, regular.id]
    assert short_day.id not in [i["id"] for i in body["items"]]
    assert detail["open_now"] is False
    assert detail["exceptions"] == [
        {"date": "2026-06-10", "closed": True, "opens": None, "closes": None, "note": "测试"}
    ]


async def test_past_exceptions_are_not_listed(
    client: httpx.AsyncClient, jobs_app: FastAPI, set_clock: Callable[[datetime], None]
) -> None:
    station = await add_station(
        jobs_app,
        exceptions=[(date(2026, 6, 9), True, None, None), (date(2026, 6, 12), True, None, None)],
    )
    set_clock(WEDNESDAY_NOON_LOCAL)

    detail = (await client.get(f"/jobs/v1/stations/{station.id}")).json()

    assert [e["date"] for e in detail["exceptions"]] == ["2026-06-12"]


async def test_cursor_pages_cover_every_row_once(
    client: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    created = [
        (await add_station(jobs_app, name=f"分页{i}", lat=40.80 + i * 0.001, lon=111.73)).id
        for i in range(7)
    ]
    for extra in ({"lat": 40.80, "lon": 111.73, "radius_m": 2000}, {}):
        seen: list[int] = []
        params: dict[str, str | int | float] = {**extra, "limit": 3}
        pages = 0
        while True:
            body = (await client.get("/jobs/v1/stations", params=params)).json()
            seen.extend(i["id"] for i in body["items"])
            pages += 1
            if body["next_cursor"] is None:
                break
            params["cursor"] = body["next_cursor"]
        assert seen == created
        assert pages == 3


async def test_cursor_of_other_filters_is_refused(
    client: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    for _ in range(3):
        await add_station(jobs_app)
    first = (await client.get("/jobs/v1/stations", params={"limit": 1})).json()

    r = await client.get(
        "/jobs/v1/stations",
        params={"limit": 1, "district": "新城区", "cursor": first["next_cursor"]},
    )

    assert r.status_code == 400
    assert r.json()["code"] == "invalid_cursor"


async def test_bad_queries_are_validation_problems(client: httpx.AsyncClient) -> None:
    too_far = await client.get(
        "/jobs/v1/stations", params={"lat": 40.8, "lon": 111.7, "radius_m": 50_001}
    )
    unknown_amenity = await client.get("/jobs/v1/stations", params={"amenity": "sauna"})
    half_location = await client.get("/jobs/v1/stations", params={"lat": 40.8})

    assert too_far.status_code == 422
    assert too_far.headers["content-type"] == "application/problem+json"
    assert any(e["loc"][-1] == "radius_m" for e in too_far.json()["errors"])
    assert unknown_amenity.status_code == 422
    assert any("amenity" in e["loc"] for e in unknown_amenity.json()["errors"])
    assert half_location.status_code == 422
    assert half_location.json()["code"] == "incomplete_location"


async def test_geojson_layer_is_lon_lat_in_the_requested_system(
    client: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    station = await add_station(jobs_app, lat=40.80, lon=111.73, amenities=["hot_water", "wifi"])
    await add_station(jobs_app, district="回民区")
    glat, glon = wgs84_to_gcj02(40.80, 111.73)

    body = (
        await client.get(
            "/jobs/v1/stations.geojson", params={"coord_sys": "gcj02", "district": "赛罕区"}
        )
    ).json()

    assert body["type"] == "FeatureCollection"
    assert body["coord_sys"] == "gcj02"
    [feature] = body["features"]
    assert feature["id"] == station.id
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert abs(lon - glon) < 1e-6
    assert abs(lat - glat) < 1e-6
    assert feature["properties"]["amenities"] == ["hot_water", "wifi"]
