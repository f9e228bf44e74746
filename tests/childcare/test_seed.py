"""The demo data reproduces every childcare [demo] figure of docs/FACTS.md, through the API."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from common.demo import DEMO_CITIZEN
from common.districts import DISTRICT_CENTRES
from common.state import service_context
from services.childcare import demo_data
from services.childcare.models import CapacityPlan, DistrictPopulation, Institution, PlanProject
from services.childcare.seed import seed
from tests.fixtures.clients import isolated_client
from tests.fixtures.tokens import DevTokens

REPORTED_KINDS = {
    "employer": 8,
    "kindergarten_class": 27,
    "community": 2,
    "private": 68,
    "home_based": 21,
}


@pytest.fixture
async def seeded(childcare_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(childcare_app) as client:
        async with service_context(childcare_app).database.sessionmaker() as session:
            assert await seed(session) is True
            await session.commit()
        yield client


async def _count_all(client: httpx.AsyncClient, **params: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": "100", **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/childcare/v1/institutions", params=query)).json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def test_demo_data_is_deterministic_and_plausible() -> None:
    first, second = demo_data.institutions(), demo_data.institutions()

    assert first == second
    assert len(first) == 126 and sum(i.capacity for i in first) == 9745
    assert Counter(i.kind for i in first) == REPORTED_KINDS
    assert len({(i.name, i.district) for i in first}) == 126
    for inst in first:
        assert 0 <= inst.min_age_months <= 18 and inst.max_age_months <= 36
        assert isinstance(inst.monthly_fee_fen, int) and 50_000 <= inst.monthly_fee_fen <= 500_000
        assert inst.capacity > 0 and inst.phone.startswith("0471-")
        lat0, lon0 = DISTRICT_CENTRES[inst.district]
        km = math.hypot((inst.lat - lat0) * 111, (inst.lon - lon0) * 84)
        assert km < 15, (inst.name, km)
    assert sum(demo_data.DISTRICT_POPULATION.values()) == 3_446_100
    projects = demo_data.plan_2023_projects()
    assert projects == demo_data.plan_2023_projects()
    assert Counter(p.category for p in projects) == {"public": 9, "community": 13, "private": 23}
    assert sum(p.planned_slots for p in projects) == 2880


async def test_seeding_twice_inserts_nothing_the_second_time(
    seeded: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    async with service_context(childcare_app).database.sessionmaker() as session:
        assert await seed(session) is False
        await session.commit()
        counts = [
            await session.scalar(select(func.count()).select_from(table))
            for table in (Institution, DistrictPopulation, CapacityPlan, PlanProject)
        ]

    assert counts == [126, 10, 1, 45]
    totals = (await seeded.get("/childcare/v1/stats")).json()["totals"]
    assert (totals["institutions"], totals["slots"]) == (126, 9745)


async def test_stats_reproduce_the_report(seeded: httpx.AsyncClient) -> None:
    stats = (await seeded.get("/childcare/v1/stats")).json()

    totals = stats["totals"]
    assert (totals["institutions"], totals["slots"]) == (126, 9745)
    # places are held (the generated enrollments), but capacity is the report's
    assert totals["offered"] == 0 and 0 < totals["enrolled"] < 9745
    assert totals["vacancies"] == 9745 - totals["enrolled"]
    assert totals["population"] == 3_446_100
    assert totals["slots_per_1000"] == 2.83
    assert totals["target_slots_per_1000"] == 4.5
    assert {k["kind"]: k["institutions"] for k in stats["by_kind"]} == REPORTED_KINDS
    assert sum(k["slots"] for k in stats["by_kind"]) == 9745
    assert sum(d["institutions"] for d in stats["by_district"]) == 126
    assert sum(d["slots"] for d in stats["by_district"]) == 9745
    assert sum(d["population"] for d in stats["by_district"]) == 3_446_100
    groups = {
        (g["level"], g["year"]): g["institutions"] for g in stats["demonstration"]["by_level_year"]
    }
    assert groups == {("regional", 2020): 1, ("city", 2022): 8}
    assert stats["demonstration"]["total"] == 9
    plan = stats["plans"][0]
    assert (plan["year"], plan["target_institutions"], plan["target_slots"]) == (2023, 45, 2880)
    assert (plan["opened_institutions"], plan["opened_slots"]) == (0, 0)


async def test_named_institutions_are_where_the_report_puts_them(
    seeded: httpx.AsyncClient,
) -> None:
    demos = (await seeded.get("/childcare/v1/stats")).json()["demonstration"]["institutions"]
    named = {(i["name"], i["district"], i["level"], i["year"]) for i in demos}
    assert ("米亚蒙台梭利托育园", "赛罕区", "regional", 2020) in named
    assert {
        ("多乐小熊托育园", "新城区", "city", 2022),
        ("抱抱熊托育园", "赛罕区", "city", 2022),
        ("蓝莓果托育园", "土默特左旗", "city", 2022),
    } <= named

    bears = await _count_all(seeded, q="抱抱熊")
    centre = next(i for i in bears if i["name"] == "抱抱熊托育中心（金地家园）")
    assert centre["district"] == "赛罕区" and "金地家园" in str(centre["address"])
    [hmbt] = await _count_all(seeded, q="嗨妈呗童")
    assert (hmbt["district"], hmbt["kind"], hmbt["inclusive"]) == ("新城区", "community", True)
    assert "海东路" in str(hmbt["address"])


async def test_kind_counts_through_the_search_api(seeded: httpx.AsyncClient) -> None:
    assert len(await _count_all(seeded)) == 126
    for kind, count in REPORTED_KINDS.items():
        assert len(await _count_all(seeded, kind=kind)) == count, kind
    assert len(await _count_all(seeded, demonstration="city")) == 8
    assert len(await _count_all(seeded, demonstration="regional")) == 1


async def test_the_demo_has_full_institutions_with_waitlists(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    full = await _count_all(seeded, has_vacancy="false")
    demo = tokens.headers(DEMO_CITIZEN, "citizen")
    staff = tokens.headers("seed-staff", "childcare_staff")

    assert len(full) >= 10 and all(i["vacancies"] == 0 for i in full)
    names = {i["name"] for i in full}
    assert {"抱抱熊托育园", "多乐小熊托育园", "蓝莓果托育园"} <= names
    roster = (
        await seeded.get(f"/childcare/v1/institutions/{full[0]['id']}/roster", headers=staff)
    ).json()
    assert len(roster["enrolled"]) == full[0]["capacity"]
    assert [e["waitlist_position"] for e in roster["waitlisted"]] == list(
        range(1, len(roster["waitlisted"]) + 1)
    ) and len(roster["waitlisted"]) >= 3
    summary = (await seeded.get("/childcare/v1/me/summary", headers=demo)).json()
    mine = {e["child_name"]: e for e in summary["enrollments"]}
    assert {c["name"] for c in summary["children"]} == {"小满", "小禾"}
    assert mine["小满"]["status"] == "enrolled"
    assert mine["小满"]["institution_name"] == "抱抱熊托育中心（金地家园）"
    assert (mine["小禾"]["status"], mine["小禾"]["waitlist_position"]) == ("waitlisted", 3)


async def test_every_demo_institution_has_a_working_week(seeded: httpx.AsyncClient) -> None:
    everything = await _count_all(seeded)

    assert len(everything) == 126
    for inst in everything:
        week = cast(list[dict[str, Any]], inst["weekly_hours"])
        assert [h["weekday"] for h in week] == [1, 2, 3, 4, 5]
        opens, closes = str(inst["opening_hours"]).split("-")
        assert {(h["opens"], h["closes"]) for h in week} == {(opens, closes)}
        assert isinstance(inst["open_now"], bool)
