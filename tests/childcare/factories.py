"""Test data: rows written through the app's current session factory (the test transaction),
and the citizen steps (register a child, apply) done through the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from common.clock import city_today
from common.state import service_context
from services.childcare.models import Institution


async def add_institution(app: FastAPI, **overrides: Any) -> Institution:
    values: dict[str, Any] = {
        "name": "测试托育园",
        "district": "赛罕区",
        "address": "赛罕区测试路1号",
        "lat": 40.80,
        "lon": 111.73,
        "kind": "private",
        "inclusive": True,
        "public_owned": False,
        "capacity": 10,
        "enrolled": 0,
        "offered": 0,
        "monthly_fee_fen": 150_000,
        "min_age_months": 6,
        "max_age_months": 36,
        "opening_hours": "07:30-18:00",
        "phone": "0471-0000000",
    }
    values.update(overrides)
    async with service_context(app).database.sessionmaker() as session:
        inst = Institution(**values)
        session.add(inst)
        await session.commit()
        await session.refresh(inst)
        return inst


def birth_months_ago(months_old: int) -> str:
    today = city_today()
    year, month = divmod(today.year * 12 + today.month - 1 - months_old, 12)
    return date(year, month + 1, min(today.day, 28)).isoformat()


def start_in_a_week() -> str:
    return (city_today() + timedelta(days=7)).isoformat()


async def register_child(
    client: httpx.AsyncClient, headers: dict[str, str], name: str, months: int = 20
) -> int:
    r = await client.post(
        "/childcare/v1/children",
        json={"name": name, "birth_date": birth_months_ago(months)},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def apply(
    client: httpx.AsyncClient, headers: dict[str, str], child: int, inst: int
) -> httpx.Response:
    return await client.post(
        "/childcare/v1/enrollments",
        json={"child_id": child, "institution_id": inst, "start_date": start_in_a_week()},
        headers=headers,
    )
