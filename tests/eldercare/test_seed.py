"""The demo data loads once, and replaces what a database seeded before communities existed
holds (its facilities, turned into communities by the migration), not what people entered."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from common.state import service_context
from services.eldercare.models import Community, Facility
from services.eldercare.seed import seed
from tests.eldercare.factories import add_community, add_facility, create_elder
from tests.fixtures.tokens import DevTokens


async def _count(app: FastAPI, model: type[Community] | type[Facility], name: str) -> int:
    async with service_context(app).database.sessionmaker() as session:
        found = await session.scalar(
            select(func.count()).select_from(model).where(model.name == name)
        )
        return int(found or 0)


async def test_the_old_facilities_only_demo_is_replaced(
    client: httpx.AsyncClient, eldercare_app: FastAPI
) -> None:
    old = await add_community(eldercare_app, name="兴康社区", district="赛罕区", programmes=[])
    await add_facility(eldercare_app, old, "canteen", (40.80, 111.70), name="旧的助餐点")

    async with service_context(eldercare_app).database.sessionmaker() as session:
        assert await seed(session) is True
        await session.commit()
        assert await seed(session) is False

    assert await _count(eldercare_app, Facility, "旧的助餐点") == 0
    assert await _count(eldercare_app, Community, "兴康社区") == 1
    listed = (await client.get("/eldercare/v1/communities", params={"district": "赛罕区"})).json()
    xingkang = next(c for c in listed["items"] if c["name"] == "兴康社区")
    assert xingkang["programmes"] and xingkang["facilities"] == 8


async def test_people_entered_are_never_replaced(
    client: httpx.AsyncClient, eldercare_app: FastAPI, tokens: DevTokens
) -> None:
    home = await add_community(eldercare_app, name="居民社区", programmes=[])
    elder = await create_elder(client, tokens.headers("seed-f", "citizen"), community_id=home.id)

    async with service_context(eldercare_app).database.sessionmaker() as session:
        # the demo goes in beside what is there; nothing entered is deleted
        assert await seed(session) is True
        await session.commit()

    assert (
        await client.get(f"/eldercare/v1/elders/{elder['id']}", headers=tokens.headers("seed-f"))
    ).status_code == 200
    assert await _count(eldercare_app, Community, "居民社区") == 1
