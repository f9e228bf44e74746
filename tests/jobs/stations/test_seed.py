"""The demo stations beyond the count: spread, schedules, and the GeoJSON layer agreeing."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from common.state import service_context
from services.jobs.models import Station, StationHours

URBAN = {"新城区", "回民区", "玉泉区", "赛罕区"}


async def test_seed_spreads_142_stations_denser_in_the_city_each_with_a_schedule(
    seeded: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    async with service_context(jobs_app).database.sessionmaker() as session:
        without_hours = await session.scalar(
            select(func.count())
            .select_from(Station)
            .where(~select(StationHours.id).where(StationHours.station_id == Station.id).exists())
        )
    seen: list[dict[str, Any]] = []
    params: dict[str, str | int] = {"limit": 100}
    while True:
        body = (await seeded.get("/jobs/v1/stations", params=params)).json()
        seen.extend(body["items"])
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    layer = (await seeded.get("/jobs/v1/stations.geojson")).json()

    assert without_hours == 0
    assert len(seen) == len(layer["features"]) == 142
    assert len({s["district"] for s in seen}) == 10
    assert sum(s["district"] in URBAN for s in seen) > 100
    assert all(s["opening_hours"] for s in seen)
    assert any("fitness" in s["amenities"] for s in seen)
    assert any(s["exceptions"] == [] for s in seen)  # round-the-clock stations never close
