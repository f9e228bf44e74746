"""A facility's opening hours as a week and `open_now` (issue 16 §3, like stations): the demo's
facilities carry their week (a canteen's two meal times, an elder university's school days),
`open_now` follows the city's clock and filters the search; a facility without a week answers
`open_now: null` and matches neither filter."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI

from tests.eldercare.factories import add_community, add_facility
from tests.fixtures.clock import pinned_clock

CITY = ZoneInfo("Asia/Shanghai")
MONDAY_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=CITY)


async def _all(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {**params, "limit": 100}
    while True:
        body = (await client.get("/eldercare/v1/facilities", params=query)).json()
        items.extend(body["items"])
        if body["next_cursor"] is None:
            return items
        query["cursor"] = body["next_cursor"]


async def test_open_now_follows_each_facilitys_week(
    seeded: httpx.AsyncClient, eldercare_app: FastAPI
) -> None:
    community = await add_community(eldercare_app)
    unknown = await add_facility(eldercare_app, community, "grocery", (41.2, 111.45))
    with pinned_clock(eldercare_app, MONDAY_NOON) as clock:
        canteens = await _all(seeded, kind="canteen")
        universities = await _all(seeded, kind="elder_university")
        open_ids = {f["id"] for f in await _all(seeded, open_now="true")}
        closed_ids = {f["id"] for f in await _all(seeded, open_now="false")}
        clock.advance(hours=3)  # Monday 15:00: between the meals
        afternoon = (await seeded.get(f"/eldercare/v1/facilities/{canteens[0]['id']}")).json()
        clock.advance(days=5, hours=-5)  # Saturday 10:00
        saturday = (await seeded.get(f"/eldercare/v1/facilities/{universities[0]['id']}")).json()
        no_week = (await seeded.get(f"/eldercare/v1/facilities/{unknown.id}")).json()

    canteen = canteens[0]
    assert canteen["weekly_hours"][:2] == [
        {"weekday": 1, "opens": "11:00", "closes": "13:00"},
        {"weekday": 1, "opens": "17:00", "closes": "18:30"},
    ]
    assert len(canteen["weekly_hours"]) == 14
    assert all(c["open_now"] is True for c in canteens)
    assert {c["id"] for c in canteens} <= open_ids
    assert afternoon["open_now"] is False and afternoon["id"] not in closed_ids
    assert [h["weekday"] for h in saturday["weekly_hours"]] == [1, 2, 3, 4, 5]
    assert saturday["open_now"] is False
    assert (no_week["weekly_hours"], no_week["open_now"]) == ([], None)
    assert unknown.id not in open_ids | closed_ids
    assert open_ids.isdisjoint(closed_ids)
