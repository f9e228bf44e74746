"""The demo data through the API, and the two documents the gateway reads (DESIGN §6):
`GET /eldercare/v1/stats` and `GET /eldercare/v1/me/summary`, validated by the gateway's own
mirror models and against the figures the demo generators imply."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from common.clock import city_today
from common.demo import DEMO_CITIZEN
from common.districts import District
from gateway.clients.eldercare import EldercareStats, EldercareSummary
from services.eldercare import demo_activities, demo_people, demo_places
from tests.fixtures.tokens import DevTokens

CONTRACT_DISTRICT_KEYS = {
    "district",
    "facilities",
    "facilities_by_kind",
    "communities",
    "communities_covered",
    "circle_coverage",
    "communities_with_gaps",
    "activities",
    "open_care_requests",
}


def _expected_gaps() -> dict[str, set[str]]:
    """Communities are 2 km apart, so a circle holds its own community's facilities only."""
    return {
        c.name: set(demo_places.ESSENTIAL) - set(c.kinds)
        for c in demo_places.communities()
        if not set(demo_places.ESSENTIAL) <= set(c.kinds)
    }


async def test_stats_follow_the_contract_and_the_demo_data(seeded: httpx.AsyncClient) -> None:
    r = await seeded.get("/eldercare/v1/stats")

    assert r.status_code == 200
    body: dict[str, Any] = r.json()
    EldercareStats.model_validate(body)  # what the gateway accepts
    rows = body["by_district"]
    assert [row["district"] for row in rows] == [d.value for d in District]
    assert all(set(row) >= CONTRACT_DISTRICT_KEYS for row in rows)
    places = demo_places.communities()
    facilities = demo_places.facilities(places)
    assert body["totals"]["facilities"] == len(facilities) == sum(row["facilities"] for row in rows)
    assert body["totals"]["communities"] == len(places) == 27
    gaps = {g["name"]: set(g["missing"]) for row in rows for g in row["communities_with_gaps"]}
    assert gaps == _expected_gaps() and len(gaps) == 6
    assert "兴康社区" not in gaps and "三顺店社区" not in gaps
    saihan = next(row for row in rows if row["district"] == "赛罕区")
    by_kind = Counter(f.kind for f in facilities if f.district == "赛罕区")
    assert saihan["facilities_by_kind"] == {
        k: by_kind.get(k, 0) for k in saihan["facilities_by_kind"]
    }
    assert len(saihan["facilities_by_kind"]) == 9
    for row in rows:
        if row["communities"]:
            covered = row["communities"] - len(row["communities_with_gaps"])
            assert row["communities_covered"] == covered
            assert row["circle_coverage"] == round(covered / row["communities"], 4)
    assert body["totals"]["circle_coverage"] == round(21 / 27, 4)
    week = demo_activities.week(places, city_today())
    district_of = {c.name: c.district.value for c in places}
    assert {row["district"]: row["activities"] for row in rows} == {
        d.value: sum(1 for s in week if district_of[s.community] == d.value) for d in District
    }
    elders = demo_people.elders(city_today(), places)
    open_care = Counter(
        district_of[e.community]
        for e in elders
        for c in e.care
        if c.status in ("requested", "assigned")
    )
    assert {row["district"]: row["open_care_requests"] for row in rows} == {
        d.value: open_care.get(d.value, 0) for d in District
    }
    assert body["walking"]["reach_m"] == 720.0 and body["essential_kinds"][0] == "home_care_centre"


async def test_the_demo_citizens_summary_is_full(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    r = await seeded.get(
        "/eldercare/v1/me/summary", headers=tokens.headers(DEMO_CITIZEN, "citizen")
    )

    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    summary = r.json()
    EldercareSummary.model_validate(summary)
    [mum] = summary["elders"]
    assert (mum["name"], mum["relation"], mum["community_name"]) == (
        "王秀英",
        "family",
        "三顺店社区",
    )
    assert mum["lives_alone"] is True and mum["age_years"] == 82
    [lecture] = summary["activities"]
    assert lecture["title"] == "专家讲座：慢性病预防" and lecture["elder_id"] == mum["id"]
    assert lecture["status"] == "registered" and lecture["starts_at"].endswith("+08:00")
    [meal] = summary["care_requests"]
    assert (meal["care_type"], meal["status"], meal["provider_category"]) == (
        "meal",
        "requested",
        "public",
    )
    assert meal["provider_name"] is None  # not assigned yet
    [retrofit] = summary["renovations"]
    assert (retrofit["items"], retrofit["status"]) == (["bathroom", "handrails"], "assessed")
    assert retrofit["scheduled_for"] is None  # assessed, not yet scheduled
    assert set(summary) == {"elders", "activities", "care_requests", "renovations"}


async def test_an_unknown_citizens_summary_is_empty_not_an_error(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    r = await client.get("/eldercare/v1/me/summary", headers=tokens.headers("nobody", "citizen"))

    assert r.json() == {"elders": [], "activities": [], "care_requests": [], "renovations": []}
    assert (await client.get("/eldercare/v1/me/summary")).status_code == 401


async def test_li_daniangs_singing_group_and_her_week(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    communities = (
        await seeded.get("/eldercare/v1/communities", params={"district": "赛罕区"})
    ).json()
    xingkang = next(c for c in communities["items"] if c["name"] == "兴康社区")

    singing = await seeded.get(
        "/eldercare/v1/activities",
        params={"community_id": xingkang["id"], "category": "singing", "limit": 10},
    )
    mine = await seeded.get(
        "/eldercare/v1/activity-registrations",
        params={"limit": 50},
        headers=tokens.headers(demo_people.LI_DANIANG_SUB, "citizen"),
    )

    sessions = singing.json()["items"]
    assert sessions and {s["title"] for s in sessions} == {"兴康社区歌唱小组（李大娘和老姐妹们）"}
    assert all(s["starts_at"][11:16] == "09:00" for s in sessions)
    assert len(sessions) == 6  # every day but Sunday, for a week
    categories = Counter(r["category"] for r in mine.json()["items"])
    assert categories["singing"] == 6 and categories["reading"] == 6
    assert categories["painting"] + categories["musical_instruments"] == 5
    assert {r["elder_name"] for r in mine.json()["items"]} == {"李大娘"}


async def test_the_demo_round_has_overdue_elders(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("demo-round", "eldercare_staff")

    r = await seeded.get("/eldercare/v1/at-risk", params={"limit": 100}, headers=staff)

    rows = r.json()["items"]
    assert len(rows) == 11  # ten of the special groups, and the demo citizen's mother
    assert rows[0]["days_since_visit"] is None and rows[0]["overdue"] is True
    days = [row["days_since_visit"] for row in rows if row["days_since_visit"] is not None]
    assert days == sorted(days, reverse=True)
    assert {row["community_name"] for row in rows} >= {"三顺店社区"}
    mum = next(row for row in rows if row["name"] == "王秀英")
    assert (mum["days_since_visit"], mum["overdue"], mum["reasons"]) == (
        12,
        False,
        ["aged_living_alone"],
    )
