"""Anonymous check-ins by worker type and the usage they add up to; and the SQL "open now"
agreeing with the Python rule on many random schedules."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx
from fastapi import FastAPI

from services.jobs.stations.hours import LocalMoment, is_open
from tests.fixtures.clock import pinned_clock
from tests.fixtures.problems import assert_problem
from tests.jobs.factories import add_station


async def test_anonymous_check_ins_count_per_worker_type(
    client: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    station = await add_station(jobs_app)
    now = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)
    with pinned_clock(jobs_app, now - timedelta(days=10)):
        old = await client.post(
            f"/jobs/v1/stations/{station.id}/check-ins", json={"worker_type": "truck_driver"}
        )
    with pinned_clock(jobs_app, now):
        for worker in ("courier", "courier", "food_delivery"):
            r = await client.post(
                f"/jobs/v1/stations/{station.id}/check-ins", json={"worker_type": worker}
            )
            assert r.status_code == 201, r.text
        usage = (await client.get(f"/jobs/v1/stations/{station.id}/usage")).json()

    assert old.json()["worker_type"] == "truck_driver"
    assert set(old.json()) == {"id", "station_id", "worker_type", "checked_in_at"}
    assert (usage["check_ins"], usage["last_7_days"], usage["last_30_days"]) == (4, 3, 4)
    counts = {c["worker_type"]: c["check_ins"] for c in usage["by_worker_type"]}
    assert counts == {
        "courier": 2,
        "food_delivery": 1,
        "truck_driver": 1,
        "ride_hailing": 0,
        "other": 0,
    }


async def test_check_in_at_an_unknown_station_or_of_an_unknown_type_is_refused(
    client: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    station = await add_station(jobs_app)

    missing = await client.post("/jobs/v1/stations/987654/check-ins", json={"worker_type": "other"})
    unknown = await client.post(
        f"/jobs/v1/stations/{station.id}/check-ins", json={"worker_type": "pilot"}
    )
    usage = await client.get("/jobs/v1/stations/987654/usage")

    assert_problem(missing, 404, "station_not_found")
    assert_problem(unknown, 422, "validation_error")
    assert_problem(usage, 404, "station_not_found")


@dataclass
class _Weekly:
    weekday: int
    opens: int
    closes: int


@dataclass
class _Exception:
    on_date: date
    closed: bool
    opens: int | None
    closes: int | None


async def test_sql_open_now_agrees_with_the_python_rule_on_random_schedules(
    client: httpx.AsyncClient, jobs_app: FastAPI
) -> None:
    rng = random.Random(8)
    day = date(2026, 6, 10)
    stations: dict[int, tuple[list[_Weekly], list[_Exception]]] = {}
    for n in range(12):
        weekly = []
        for weekday in rng.sample(range(1, 8), rng.randint(0, 7)):
            opens = rng.randrange(0, 1380, 30)
            weekly.append(_Weekly(weekday, opens, rng.randrange(opens + 30, 1441, 30)))
        exceptions = []
        if rng.random() < 0.6:
            closed = rng.random() < 0.5
            opens = None if closed else rng.randrange(0, 1380, 30)
            closes = None if opens is None else rng.randrange(opens + 30, 1441, 30)
            exceptions.append(
                _Exception(day + timedelta(days=rng.randint(0, 1)), closed, opens, closes)
            )
        station = await add_station(
            jobs_app,
            name=f"随机{n}",
            hours=[(w.weekday, w.opens, w.closes) for w in weekly],
            exceptions=[(e.on_date, e.closed, e.opens, e.closes) for e in exceptions],
        )
        stations[station.id] = (weekly, exceptions)

    for hour in range(0, 48, 3):
        moment = datetime(2026, 6, 9, 16, 10, tzinfo=UTC) + timedelta(hours=hour)
        with pinned_clock(jobs_app, moment):
            body = (await client.get("/jobs/v1/stations", params={"limit": 100})).json()
            open_ids = {
                i["id"]
                for i in (
                    await client.get("/jobs/v1/stations", params={"open_now": "true", "limit": 100})
                ).json()["items"]
            }
        at = LocalMoment.of(moment)
        for item in body["items"]:
            expected = is_open(*stations[item["id"]], at)
            assert item["open_now"] is expected, (item["id"], moment)
            assert (item["id"] in open_ids) is expected
