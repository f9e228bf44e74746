"""Test data for eldercare: rows written through the app's current session factory (inside
the test's rolled-back transaction for `client`), and points at exact distances."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from common.clock import city_today
from common.state import service_context
from services.eldercare.models import Activity, Community, Facility, access_audit

EARTH_M = 6_378_168.0
_NUMBERS = itertools.count(1)
# far from every demo community (武川县, north of the city)
FAR_AWAY = (41.40, 111.10)


def offset(
    point: tuple[float, float], north_m: float = 0.0, east_m: float = 0.0
) -> tuple[float, float]:
    lat = point[0] + math.degrees(north_m / EARTH_M)
    lon = point[1] + math.degrees(east_m / (EARTH_M * math.cos(math.radians(point[0]))))
    return lat, lon


async def add_community(app: FastAPI, **overrides: Any) -> Community:
    values: dict[str, Any] = {
        "name": f"测试社区{next(_NUMBERS)}",
        "district": "武川县",
        "street_office": "测试街道",
        "lat": FAR_AWAY[0],
        "lon": FAR_AWAY[1],
        "awards": [],
        "programmes": [],
    }
    values.update(overrides)
    async with service_context(app).database.sessionmaker() as session:
        row = Community(**values)
        session.add(row)
        await session.commit()
        await session.refresh(row)
        return row


async def add_facility(
    app: FastAPI, community: Community, kind: str, at: tuple[float, float], **overrides: Any
) -> Facility:
    values: dict[str, Any] = {
        "name": f"{community.name}{kind}",
        "kind": kind,
        "district": community.district,
        "community_id": community.id,
        "address": "测试路1号",
        "lat": at[0],
        "lon": at[1],
        "phone": "0471-0000000",
        "opening_hours": "08:00-18:00",
        "services": [],
    }
    values.update(overrides)
    async with service_context(app).database.sessionmaker() as session:
        row = Facility(**values)
        session.add(row)
        await session.commit()
        await session.refresh(row)
        return row


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A valid 18-character national ID (GB 11643 check digit) from its first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def years_ago(years: int, days: int = 0) -> str:
    today = city_today()
    return (
        today.replace(year=today.year - years, day=min(today.day, 28)) - timedelta(days=days)
    ).isoformat()


def elder_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "王秀英", "birth_date": years_ago(82), "lives_alone": True}
    body.update(overrides)
    return body


async def create_elder(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    r = await client.post("/eldercare/v1/elders", json=elder_body(**overrides), headers=headers)
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


async def add_activity(app: FastAPI, community: Community, **overrides: Any) -> Activity:
    starts = datetime.now(UTC) + timedelta(days=2)
    values: dict[str, Any] = {
        "title": "测试合唱班",
        "category": "singing",
        "description": "",
        "community_id": community.id,
        "place": "测试活动室",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1, minutes=30),
        "capacity": 2,
        "registered": 0,
        "waitlist_capacity": 3,
        "waitlisted": 0,
        "status": "scheduled",
    }
    values.update(overrides)
    async with service_context(app).database.sessionmaker() as session:
        row = Activity(**values)
        session.add(row)
        await session.commit()
        await session.refresh(row)
        return row


async def register(
    client: httpx.AsyncClient, headers: dict[str, str], activity_id: int, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/eldercare/v1/activities/{activity_id}/registrations", json=body, headers=headers
    )


async def audit_rows(app: FastAPI, resource: str) -> list[dict[str, Any]]:
    async with service_context(app).database.sessionmaker() as session:
        rows = await session.execute(
            select(access_audit).where(access_audit.c.resource == resource)
        )
        return [dict(r) for r in rows.mappings().all()]
