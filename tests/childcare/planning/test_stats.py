"""Statistics follow the institutions and the district populations staff maintain."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from common.state import service_context
from services.childcare import demo_data
from services.childcare.seed import seed
from tests.childcare.factories import add_institution
from tests.fixtures.clients import isolated_client
from tests.fixtures.tokens import DevTokens


@pytest.fixture
async def seeded(childcare_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(childcare_app) as client:
        async with service_context(childcare_app).database.sessionmaker() as session:
            assert await seed(session) is True
            await session.commit()
        yield client


async def _stats(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.get("/childcare/v1/stats")
    assert r.status_code == 200
    body: dict[str, Any] = r.json()
    return body


def _district(stats: dict[str, Any], name: str) -> dict[str, Any]:
    row: dict[str, Any] = next(d for d in stats["by_district"] if d["district"] == name)
    return row


async def test_stats_count_enrolled_offered_and_vacancies(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    before = await _stats(client)

    await add_institution(
        childcare_app,
        name="统计甲",
        district="武川县",
        kind="employer",
        capacity=30,
        enrolled=20,
        offered=4,
        inclusive=True,
    )
    await add_institution(
        childcare_app,
        name="统计乙",
        district="武川县",
        kind="employer",
        capacity=10,
        enrolled=10,
        inclusive=False,
    )
    after = await _stats(client)

    delta = {k: after["totals"][k] - before["totals"][k] for k in before["totals"]}
    assert delta["institutions"] == 2 and delta["slots"] == 40
    assert (delta["enrolled"], delta["offered"], delta["vacancies"]) == (30, 4, 6)
    assert delta["inclusive_institutions"] == 1
    kinds_before = {k["kind"]: k for k in before["by_kind"]}
    employer = next(k for k in after["by_kind"] if k["kind"] == "employer")
    old = kinds_before.get("employer", {"institutions": 0, "slots": 0, "vacancies": 0})
    assert employer["institutions"] - old["institutions"] == 2
    assert employer["slots"] - old["slots"] == 40
    assert employer["vacancies"] - old["vacancies"] == 6
    wuchuan = _district(after, "武川县")
    assert wuchuan["slots"] - _district(before, "武川县")["slots"] == 40
    assert wuchuan["vacancies"] - _district(before, "武川县")["vacancies"] == 6
    assert after["as_of"] >= before["as_of"]


async def test_inclusive_share_and_city_rate_with_the_demo_data(
    seeded: httpx.AsyncClient,
) -> None:
    stats = await _stats(seeded)

    inclusive = sum(i.inclusive for i in demo_data.institutions())
    assert stats["totals"]["inclusive_institutions"] == inclusive
    assert stats["totals"]["inclusive_share"] == round(inclusive / 126, 4)
    assert 0 < stats["totals"]["inclusive_share"] < 1
    for d in stats["by_district"]:
        expected = round(d["slots"] * 1000 / d["population"], 2)
        assert d["slots_per_1000"] == expected
        assert d["meets_target"] is (expected >= 4.5)


async def test_demonstration_counts_follow_the_institutions(
    seeded: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    await add_institution(
        childcare_app, name="新示范托育园", demonstration_level="city", demonstration_year=2023
    )

    demo = (await _stats(seeded))["demonstration"]

    groups = {(g["level"], g["year"]): g["institutions"] for g in demo["by_level_year"]}
    assert groups == {("regional", 2020): 1, ("city", 2022): 8, ("city", 2023): 1}
    assert demo["total"] == 10
    assert demo["institutions"][-1]["name"] == "新示范托育园"


async def test_population_update_changes_slots_per_1000(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("staff-pop", "childcare_staff")
    before = await _stats(seeded)

    r = await seeded.put(
        "/childcare/v1/districts/新城区/population",
        json={"population": 500_000, "source": "2023 statistical yearbook (test)"},
        headers=staff,
    )

    assert r.status_code == 200
    assert r.json()["district"] == "新城区" and r.json()["population"] == 500_000
    assert r.json()["source"] == "2023 statistical yearbook (test)"
    after = await _stats(seeded)
    xincheng = _district(after, "新城区")
    assert xincheng["population"] == 500_000
    assert xincheng["slots_per_1000"] == round(xincheng["slots"] * 1000 / 500_000, 2)
    population = 3_446_100 - _district(before, "新城区")["population"] + 500_000
    assert after["totals"]["population"] == population
    assert after["totals"]["slots_per_1000"] == round(9745 * 1000 / population, 2)
    assert _district(after, "回民区") == _district(before, "回民区")


async def test_population_update_takes_the_api_name_and_404s_an_unknown_district(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("staff-pop", "childcare_staff")
    body = {"population": 200_000, "source": "test"}

    by_name = await seeded.put(
        "/childcare/v1/districts/wuchuan/population", json=body, headers=staff
    )
    unknown = await seeded.put(
        "/childcare/v1/districts/火星区/population", json=body, headers=staff
    )

    assert by_name.status_code == 200 and by_name.json()["district"] == "武川县"
    assert _district(await _stats(seeded), "武川县")["population"] == 200_000
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["code"] == "district_not_found"
    assert "新城区" in unknown.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"population": 0, "source": "x"},
        {"population": -5, "source": "x"},
        {"population": "many", "source": "x"},
        {"population": 1000},
        {"population": 1000, "source": ""},
        {"population": 1000, "source": "x", "extra": 1},
    ],
)
async def test_population_update_rejects_bad_values_and_changes_nothing(
    seeded: httpx.AsyncClient, tokens: DevTokens, body: dict[str, Any]
) -> None:
    staff = tokens.headers("staff-pop", "childcare_staff")

    r = await seeded.put("/childcare/v1/districts/赛罕区/population", json=body, headers=staff)

    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    saihan = demo_data.DISTRICT_POPULATION[demo_data.District.saihan]
    assert _district(await _stats(seeded), "赛罕区")["population"] == saihan


async def test_population_update_needs_childcare_staff(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    body = {"population": 1, "source": "x"}
    url = "/childcare/v1/districts/赛罕区/population"

    anonymous = await seeded.put(url, json=body)
    citizen = await seeded.put(url, json=body, headers=tokens.headers("citizen-1", "citizen"))

    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"
    assert citizen.status_code == 403 and citizen.json()["code"] == "forbidden"
    assert _district(await _stats(seeded), "赛罕区")["population"] > 1


async def test_unchanged_stats_revalidate_with_a_304(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    first = await client.get("/childcare/v1/stats")
    again = await client.get("/childcare/v1/stats")
    cached = await client.get(
        "/childcare/v1/stats", headers={"If-None-Match": first.headers["etag"]}
    )
    await client.put(
        "/childcare/v1/districts/武川县/population",
        json={"population": 120_000, "source": "2025 estimate"},
        headers=tokens.headers("staff-etag", "childcare_staff"),
    )
    changed = await client.get(
        "/childcare/v1/stats", headers={"If-None-Match": first.headers["etag"]}
    )

    assert first.headers["etag"] == again.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert cached.status_code == 304 and cached.content == b""
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]
