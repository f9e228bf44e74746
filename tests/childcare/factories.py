"""Rows for tests, written through the app's current session factory (the test transaction)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

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
    async with app.state.sessionmaker() as session:
        inst = Institution(**values)
        session.add(inst)
        await session.commit()
        await session.refresh(inst)
        return inst
