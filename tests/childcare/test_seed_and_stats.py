"""The demo data reproduces every childcare [demo] figure of FACTS.md through the API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from common.testing import DevTokens, isolated_client
from services.childcare.seed import seed


@pytest.fixture
async def seeded(childcare_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(childcare_app) as client:
        async with childcare_app.state.sessionmaker() as session:
            assert await seed(session) is True
            await session.commit()
        yield client


async def test_seeding_twice_inserts_nothing_the_second_time(
    seeded: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    async with childcare_app.state.sessionmaker() as session:
        assert await seed(session) is False

    totals = (await seeded.get("/childcare/v1/stats")).json()["totals"]
    assert totals["institutions"] == 126


async def test_stats_reproduce_the_report(seeded: httpx.AsyncClient) -> None:
    stats = (await seeded.get("/childcare/v1/stats")).json()

    assert stats["totals"]["institutions"] == 126
    assert stats["totals"]["slots"] == 9745
    assert stats["totals"]["vacancies"] == 9745
    assert stats["totals"]["population"] == 3_446_100
    assert stats["totals"]["slots_per_1000"] == 2.83
    assert stats["totals"]["target_slots_per_1000"] == 4.5
    assert {k["kind"]: k["institutions"] for k in stats["by_kind"]} == {
        "employer": 8,
        "kindergarten_class": 27,
        "community": 2,
        "private": 68,
        "home_based": 21,
    }
    assert sum(d["institutions"] for d in stats["by_district"]) == 126
    assert sum(d["slots"] for d in stats["by_district"]) == 9745
    groups = {
        (g["level"], g["year"]): g["institutions"] for g in stats["demonstration"]["by_level_year"]
    }
    assert groups == {("regional", 2020): 1, ("city", 2022): 8}
    names = {(i["name"], i["district"], i["level"]) for i in stats["demonstration"]["institutions"]}
    assert ("米亚蒙台梭利托育园", "赛罕区", "regional") in names
    assert {
        ("多乐小熊托育园", "新城区", "city"),
        ("抱抱熊托育园", "赛罕区", "city"),
        ("蓝莓果托育园", "土默特左旗", "city"),
    } <= names
    plan = stats["plans"][0]
    assert (plan["year"], plan["target_institutions"], plan["target_slots"]) == (2023, 45, 2880)
    assert plan["opened_institutions"] == 0


async def test_kind_counts_through_the_search_api(seeded: httpx.AsyncClient) -> None:
    async def count(**params: str) -> int:
        n, cursor = 0, None
        while True:
            query = {**params, "limit": "100", **({"cursor": cursor} if cursor else {})}
            body = (await seeded.get("/childcare/v1/institutions", params=query)).json()
            n += len(body["items"])
            cursor = body["next_cursor"]
            if cursor is None:
                return n

    assert await count() == 126
    assert await count(kind="home_based") == 21
    assert await count(demonstration="city") == 8
    found = (await seeded.get("/childcare/v1/institutions", params={"q": "抱抱熊"})).json()["items"]
    assert {i["name"] for i in found} >= {"抱抱熊托育园", "抱抱熊托育中心（金地家园）"}


async def test_plan_2023_has_the_reported_split(seeded: httpx.AsyncClient) -> None:
    plan = (await seeded.get("/childcare/v1/plans/2023")).json()

    assert (plan["target_institutions"], plan["target_slots"]) == (45, 2880)
    split = {c["category"]: c["projects"] for c in plan["by_category"]}
    assert split == {"public": 9, "community": 13, "private": 23}
    assert len(plan["projects"]) == 45
    assert sum(p["planned_slots"] for p in plan["projects"]) == 2880
    listed = (await seeded.get("/childcare/v1/plans")).json()["items"]
    assert [p["year"] for p in listed] == [2023]


async def test_opening_a_project_creates_its_institution_and_counts_in_stats(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("staff-plan", "childcare_staff")
    project = (await seeded.get("/childcare/v1/plans/2023")).json()["projects"][0]
    url = f"/childcare/v1/plan-projects/{project['id']}"

    skip = await seeded.patch(url, json={"status": "opened"}, headers=staff)
    assert skip.status_code == 409 and skip.json()["code"] == "invalid_transition"
    built = await seeded.patch(url, json={"status": "under_construction"}, headers=staff)
    assert built.json()["status"] == "under_construction" and built.json()["institution_id"] is None
    opened = (
        await seeded.patch(url, json={"status": "opened", "monthly_fee_fen": 120000}, headers=staff)
    ).json()

    institution = (
        await seeded.get(f"/childcare/v1/institutions/{opened['institution_id']}")
    ).json()
    assert institution["name"] == project["name"]
    assert institution["capacity"] == project["planned_slots"]
    assert institution["monthly_fee_fen"] == 120000
    stats = (await seeded.get("/childcare/v1/stats")).json()
    assert stats["totals"]["institutions"] == 127
    assert stats["totals"]["slots"] == 9745 + project["planned_slots"]
    assert stats["plans"][0]["opened_institutions"] == 1
    assert stats["plans"][0]["opened_slots"] == project["planned_slots"]
    again = await seeded.patch(url, json={"status": "opened"}, headers=staff)
    assert again.status_code == 409


async def test_plan_changes_need_staff(seeded: httpx.AsyncClient, tokens: DevTokens) -> None:
    r = await seeded.patch(
        "/childcare/v1/plan-projects/1",
        json={"status": "under_construction"},
        headers=tokens.headers("citizen-1", "citizen"),
    )
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    missing = await seeded.get("/childcare/v1/plans/2031")
    assert missing.status_code == 404 and missing.json()["code"] == "plan_not_found"


async def test_population_update_changes_slots_per_1000(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("staff-pop", "childcare_staff")
    before = {
        d["district"]: d for d in (await seeded.get("/childcare/v1/stats")).json()["by_district"]
    }

    r = await seeded.put(
        "/childcare/v1/districts/新城区/population",
        json={"population": 500_000, "source": "test update"},
        headers=staff,
    )

    assert r.json()["population"] == 500_000
    after = (await seeded.get("/childcare/v1/stats")).json()
    xincheng = next(d for d in after["by_district"] if d["district"] == "新城区")
    assert xincheng["population"] == 500_000
    assert xincheng["slots_per_1000"] == round(before["新城区"]["slots"] * 1000 / 500_000, 2)
    assert after["totals"]["population"] == 3_446_100 - before["新城区"]["population"] + 500_000
