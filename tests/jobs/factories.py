"""Rows and bodies for tests, written through the app's current session factory (the test
transaction) or through the API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from common.state import service_context
from services.jobs.models import (
    Fair,
    Station,
    StationException,
    StationHours,
)

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


RENTER = {
    "graduation_date": "2023-07-01",
    "degree": "bachelor",
    "works_in_hohhot": True,
    "owns_home_in_hohhot": False,
}


BUYER = {**RENTER, "owns_home_in_hohhot": True, "first_home_in_hohhot": True}


FOUNDER = {
    "graduation_date": "2022-07-01",
    "business_registered_in_hohhot": True,
    "business_age_months": 8,
    "tech_company": True,
}


GRADUATE = {
    "university": "内蒙古财经大学",
    "degree": "bachelor",
    "graduation_date": "2023-07-01",
    "retention": "stayed",
    "employment_status": "employed",
    "district": "赛罕区",
}


WEDNESDAY_NOON = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)


def station_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "赛罕区测试红蜂驿站",
        "district": "赛罕区",
        "address": "赛罕区大学西路1号",
        "location": {"lat": 40.80, "lon": 111.73},
        "amenities": ["wifi", "hot_water", "phone_charging", "wifi"],
        "operator": "大学西路街道",
        "operator_kind": "street_office",
        "phone": "0471-1234567",
        "opening_hours": [{"weekday": d, "opens": "08:00", "closes": "20:00"} for d in range(1, 8)],
        "exceptions": [
            {"date": "2026-06-10", "closed": True, "note": "端午调休"},
            {"date": "2026-06-01", "closed": False, "opens": "10:00", "closes": "12:00"},
        ],
    }
    body.update(overrides)
    return body


def fair_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "2026年十万大学生留呼计划夏季招聘会",
        "starts_at": "2026-06-20T09:00:00+08:00",
        "ends_at": "2026-06-20T16:00:00+08:00",
        "venue": "内蒙古国际会展中心",
        "address": "赛罕区展览路1号",
        "district": "赛罕区",
        "capacity": 2,
        "employers": [
            {
                "employer": "呼和浩特青城软件有限公司",
                "positions": [{"title": "Java开发", "openings": 3, "education": "bachelor"}],
            },
            {"employer": "青城物流", "positions": [{"title": "调度员"}]},
        ],
    }
    body.update(overrides)
    return body


def posting_body(title: str, employer: str, expires_at: datetime) -> dict[str, Any]:
    """A posting staff may create, searched by its title and employer."""
    return {
        "employer": employer,
        "title": title,
        "category": "finance",
        "district": "赛罕区",
        "salary_min_fen": 400_000,
        "salary_max_fen": 600_000,
        "education": "bachelor",
        "graduate_friendly": True,
        "expires_at": expires_at.isoformat(),
    }
