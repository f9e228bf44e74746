"""Rows and bodies for tests, written through the app's current session factory (the test
transaction) or through the API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from common.state import service_context
from services.jobs.models import Fair, Station, StationException, StationHours

EVERY_DAY_8_TO_20 = [(d, 8 * 60, 20 * 60) for d in range(1, 8)]


async def add_station(
    app: FastAPI,
    *,
    hours: list[tuple[int, int, int]] | None = None,
    exceptions: Sequence[tuple[date, bool, int | None, int | None]] = (),
    **overrides: Any,
) -> Station:
    values: dict[str, Any] = {
        "name": "测试红蜂驿站",
        "district": "赛罕区",
        "address": "赛罕区测试路1号",
        "lat": 40.80,
        "lon": 111.73,
        "amenities": ["hot_water", "phone_charging"],
        "operator": "测试社区",
        "operator_kind": "community",
        "phone": "0471-0000000",
    }
    values.update(overrides)
    async with service_context(app).database.sessionmaker() as session:
        station = Station(**values)
        session.add(station)
        await session.flush()
        for weekday, opens, closes in EVERY_DAY_8_TO_20 if hours is None else hours:
            session.add(
                StationHours(station_id=station.id, weekday=weekday, opens=opens, closes=closes)
            )
        for on_date, closed, exc_opens, exc_closes in exceptions:
            session.add(
                StationException(
                    station_id=station.id,
                    on_date=on_date,
                    closed=closed,
                    opens=exc_opens,
                    closes=exc_closes,
                    note="测试",
                )
            )
        await session.commit()
        return station


async def add_fair(
    app: FastAPI, *, starts_at: datetime, capacity: int = 100, registered: int = 0, **overrides: Any
) -> Fair:
    values: dict[str, Any] = {
        "name": "测试招聘会",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=6),
        "venue": "内蒙古国际会展中心",
        "address": "赛罕区展览路1号",
        "district": "赛罕区",
        "capacity": capacity,
        "registered": registered,
        "employers": [{"employer": "测试公司", "positions": [{"title": "会计", "openings": 2}]}],
    }
    values.update(overrides)
    async with service_context(app).database.sessionmaker() as session:
        fair = Fair(**values)
        session.add(fair)
        await session.commit()
        return fair


async def created(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body
