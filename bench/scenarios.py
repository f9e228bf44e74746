"""What `make bench` measures: each operation beside the ceilings it is judged against.

Ceilings, measured in the same run: (a) a constant endpoint of the same server (`/healthz`),
(b) the same SQL behind a bare raw-asyncpg route on the same server (`bench/ceilings.py`),
(c) the same SQL in a plain asyncio loop on a raw pool (no HTTP), (d) for the gateway, the
direct call to the service. A new operation is one `Scenario` here and, if it has a target,
one `Target` in `TARGETS`.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp
import asyncpg

from bench.ceilings import (
    CIRCLE,
    CIRCLE_PER_KIND,
    FACILITIES_NEARBY,
    INSTITUTION_BY_ID,
    INSTITUTIONS_NEARBY,
)
from bench.environment import CITY_CENTRE
from bench.load import Operation, http_get, http_post
from common.clock import city_today

RADIUS_M = 2000
# the eldercare walking model's reach of 15 minutes (60 m/min, detour 1.25)
CIRCLE_REACH_M = 15 * 60 / 1.25
SEARCH = "/childcare/v1/institutions?district=%E8%B5%9B%E7%BD%95%E5%8C%BA&has_vacancy=true"


@dataclass
class Contention:
    """Enrollment under contention: many guardians' children applying to a few institutions
    that fill at once; each request uses a child that has not applied yet."""

    institution_ids: list[int]
    pairs: list[tuple[str, int]]  # (bearer token, child id)
    counts: dict[int, int] = field(default_factory=dict)
    _next: itertools.count[int] = field(default_factory=itertools.count)

    def take(self) -> tuple[str, int]:
        return self.pairs[next(self._next) % len(self.pairs)]


@dataclass
class Seats:
    """Class registration under contention: many citizens registering for one class."""

    activity_id: int
    tokens: list[str]
    counts: dict[int, int] = field(default_factory=dict)
    _next: itertools.count[int] = field(default_factory=itertools.count)

    def take(self) -> str:
        return self.tokens[next(self._next) % len(self.tokens)]


WORDS = ("工程师", "会计", "开发", "物流", "销售", "教师", "设计", "运营")


@dataclass
class Context:
    session: aiohttp.ClientSession
    pool: asyncpg.Pool  # on the childcare database
    base: dict[str, str]
    institution_ids: list[int]
    citizen: dict[str, str]  # the demo citizen's Authorization header
    contention: Contention
    seats: Seats | None = None
    eldercare_pool: asyncpg.Pool | None = None
    fair_seats: Seats | None = None  # fair registration under contention (activity_id: the fair)


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    process: str  # the process py-spy profiles for this operation ("" = the bench itself)
    build: Callable[[Context], Operation]
    ceiling: bool = False  # a ceiling is measured, not profiled or judged


def _point(rng: random.Random) -> tuple[float, float]:
    return CITY_CENTRE[0] + rng.uniform(-0.08, 0.08), CITY_CENTRE[1] + rng.uniform(-0.1, 0.1)


def _by_id(base: str, path: str) -> Callable[[Context], Operation]:
    def build(ctx: Context) -> Operation:
        ids = ctx.institution_ids
        return http_get(ctx.session, lambda rng: f"{ctx.base[base]}{path}{rng.choice(ids)}")

    return build


def _nearby(path: str, base: str = "childcare", query: str = "") -> Callable[[Context], Operation]:
    def build(ctx: Context) -> Operation:
        def url(rng: random.Random) -> str:
            lat, lon = _point(rng)
            where = query or f"radius_m={RADIUS_M}"
            return f"{ctx.base[base]}{path}?lat={lat:.6f}&lon={lon:.6f}&{where}"

        return http_get(ctx.session, url)

    return build


def _get(base: str, path: str, *, personal: bool = False) -> Callable[[Context], Operation]:
    def build(ctx: Context) -> Operation:
        headers = ctx.citizen if personal else None
        return http_get(ctx.session, lambda rng: f"{ctx.base[base]}{path}", headers)

    return build


def _pk_loop(ctx: Context) -> Operation:
    async def operation(rng: random.Random) -> bool:
        async with ctx.pool.acquire() as conn:
            return await INSTITUTION_BY_ID.row(conn, id=rng.choice(ctx.institution_ids)) is not None

    return operation


def _nearby_loop(ctx: Context) -> Operation:
    async def operation(rng: random.Random) -> bool:
        lat, lon = _point(rng)
        async with ctx.pool.acquire() as conn:
            await INSTITUTIONS_NEARBY.rows(conn, lat=lat, lon=lon, radius_m=RADIUS_M, limit=21)
        return True

    return operation


def _facilities_loop(ctx: Context) -> Operation:
    async def operation(rng: random.Random) -> bool:
        lat, lon = _point(rng)
        assert ctx.eldercare_pool is not None
        async with ctx.eldercare_pool.acquire() as conn:
            await FACILITIES_NEARBY.rows(conn, lat=lat, lon=lon, radius_m=RADIUS_M, limit=21)
        return True

    return operation


def _circle_loop(ctx: Context) -> Operation:
    async def operation(rng: random.Random) -> bool:
        lat, lon = _point(rng)
        assert ctx.eldercare_pool is not None
        async with ctx.eldercare_pool.acquire() as conn:
            await CIRCLE.rows(
                conn, lat=lat, lon=lon, radius_m=CIRCLE_REACH_M, per_kind=CIRCLE_PER_KIND
            )
        return True

    return operation


def _register(ctx: Context) -> Operation:
    seats = ctx.seats
    assert seats is not None

    def request(rng: random.Random) -> tuple[str, dict[str, str], object]:
        url = f"{ctx.base['eldercare']}/eldercare/v1/activities/{seats.activity_id}/registrations"
        return url, {"Authorization": f"Bearer {seats.take()}"}, {}

    return http_post(ctx.session, request, seats.counts)


def _postings(base: str, path: str) -> Callable[[Context], Operation]:
    def build(ctx: Context) -> Operation:
        return http_get(ctx.session, lambda rng: f"{ctx.base[base]}{path}?q={rng.choice(WORDS)}")

    return build


def _prescreen(ctx: Context) -> Operation:
    def request(rng: random.Random) -> tuple[str, dict[str, str], object]:
        url = f"{ctx.base['jobs']}/jobs/v1/programmes/{rng.randint(1, 5)}/eligibility"
        body = {"facts": {"works_in_hohhot": True, "owns_home_in_hohhot": False}}
        return url, ctx.citizen, body

    return http_post(ctx.session, request, {})


def _fair_register(ctx: Context) -> Operation:
    seats = ctx.fair_seats
    assert seats is not None

    def request(rng: random.Random) -> tuple[str, dict[str, str], object]:
        url = f"{ctx.base['jobs']}/jobs/v1/fairs/{seats.activity_id}/registrations"
        return url, {"Authorization": f"Bearer {seats.take()}"}, None

    return http_post(ctx.session, request, seats.counts)


def _enroll(ctx: Context) -> Operation:
    contention = ctx.contention
    start = (city_today() + timedelta(days=14)).isoformat()

    def request(rng: random.Random) -> tuple[str, dict[str, str], object]:
        token, child = contention.take()
        body = {
            "child_id": child,
            "institution_id": rng.choice(contention.institution_ids),
            "start_date": start,
        }
        url = f"{ctx.base['childcare']}/childcare/v1/enrollments"
        return url, {"Authorization": f"Bearer {token}"}, body

    return http_post(ctx.session, request, contention.counts)


CHILDCARE: list[Scenario] = [
    Scenario(
        "cc.healthz", "childcare GET /healthz (a)", "childcare", _get("childcare", "/healthz"), True
    ),
    Scenario(
        "cc.by_id",
        "GET /childcare/v1/institutions/{id}",
        "childcare",
        _by_id("childcare", "/childcare/v1/institutions/"),
    ),
    Scenario(
        "cc.by_id.raw",
        "same SQL, raw-asyncpg route (b)",
        "childcare",
        _by_id("childcare", "/bench/raw/institutions/"),
        True,
    ),
    Scenario("cc.by_id.loop", "same SQL, asyncio loop (c)", "", _pk_loop, True),
    Scenario(
        "cc.nearby",
        "GET /childcare/v1/institutions?lat&lon&radius_m",
        "childcare",
        _nearby("/childcare/v1/institutions"),
    ),
    Scenario(
        "cc.nearby.raw",
        "same SQL, raw-asyncpg route (b)",
        "childcare",
        _nearby("/bench/raw/institutions"),
        True,
    ),
    Scenario("cc.nearby.loop", "same SQL, asyncio loop (c)", "", _nearby_loop, True),
    Scenario(
        "cc.search",
        "GET /childcare/v1/institutions?district&has_vacancy",
        "childcare",
        _get("childcare", SEARCH),
    ),
    Scenario(
        "cc.stats", "GET /childcare/v1/stats", "childcare", _get("childcare", "/childcare/v1/stats")
    ),
    Scenario(
        "cc.plan",
        "GET /childcare/v1/plans/2023",
        "childcare",
        _get("childcare", "/childcare/v1/plans/2023"),
    ),
    Scenario(
        "cc.summary",
        "GET /childcare/v1/me/summary (token)",
        "childcare",
        _get("childcare", "/childcare/v1/me/summary", personal=True),
    ),
    Scenario("cc.enroll", "POST /childcare/v1/enrollments, contention", "childcare", _enroll),
]

ELDERCARE: list[Scenario] = [
    Scenario(
        "el.healthz", "eldercare GET /healthz (a)", "eldercare", _get("eldercare", "/healthz"), True
    ),
    Scenario(
        "el.circle",
        "GET /eldercare/v1/circle?lat&lon&minutes=15",
        "eldercare",
        _nearby("/eldercare/v1/circle", "eldercare", "minutes=15"),
    ),
    Scenario(
        "el.circle.raw",
        "same SQL, raw-asyncpg route (b)",
        "eldercare",
        _nearby("/bench/raw/circle", "eldercare", f"radius_m={CIRCLE_REACH_M}"),
        True,
    ),
    Scenario("el.circle.loop", "same SQL, asyncio loop (c)", "", _circle_loop, True),
    Scenario(
        "el.nearby",
        "GET /eldercare/v1/facilities?lat&lon&radius_m",
        "eldercare",
        _nearby("/eldercare/v1/facilities", "eldercare"),
    ),
    Scenario(
        "el.nearby.raw",
        "same SQL, raw-asyncpg route (b)",
        "eldercare",
        _nearby("/bench/raw/facilities", "eldercare"),
        True,
    ),
    Scenario("el.nearby.loop", "same SQL, asyncio loop (c)", "", _facilities_loop, True),
    Scenario(
        "el.activities",
        "GET /eldercare/v1/activities",
        "eldercare",
        _get("eldercare", "/eldercare/v1/activities"),
    ),
    Scenario(
        "el.stats", "GET /eldercare/v1/stats", "eldercare", _get("eldercare", "/eldercare/v1/stats")
    ),
    Scenario(
        "el.summary",
        "GET /eldercare/v1/me/summary (token)",
        "eldercare",
        _get("eldercare", "/eldercare/v1/me/summary", personal=True),
    ),
    Scenario(
        "el.register",
        "POST /eldercare/v1/activities/{id}/registrations, contention",
        "eldercare",
        _register,
    ),
]

JOBS: list[Scenario] = [
    Scenario("jobs.healthz", "jobs GET /healthz (a)", "jobs", _get("jobs", "/healthz"), True),
    Scenario(
        "jobs.nearby",
        "GET /jobs/v1/stations?lat&lon&radius_m",
        "jobs",
        _nearby("/jobs/v1/stations", "jobs"),
    ),
    Scenario(
        "jobs.nearby.raw",
        "same SQL, raw-asyncpg route (b)",
        "jobs",
        _nearby("/bench/raw/stations", "jobs"),
        True,
    ),
    Scenario(
        "jobs.postings", "GET /jobs/v1/postings?q", "jobs", _postings("jobs", "/jobs/v1/postings")
    ),
    Scenario(
        "jobs.postings.raw",
        "same SQL, raw-asyncpg route (b)",
        "jobs",
        _postings("jobs", "/bench/raw/postings"),
        True,
    ),
    Scenario(
        "jobs.geojson",
        "GET /jobs/v1/stations.geojson",
        "jobs",
        _get("jobs", "/jobs/v1/stations.geojson"),
    ),
    Scenario("jobs.stats", "GET /jobs/v1/stats", "jobs", _get("jobs", "/jobs/v1/stats")),
    Scenario(
        "jobs.retention", "GET /jobs/v1/retention", "jobs", _get("jobs", "/jobs/v1/retention")
    ),
    Scenario(
        "jobs.summary",
        "GET /jobs/v1/me/summary (token)",
        "jobs",
        _get("jobs", "/jobs/v1/me/summary", personal=True),
    ),
    Scenario(
        "jobs.prescreen", "POST /jobs/v1/programmes/{id}/eligibility (token)", "jobs", _prescreen
    ),
    Scenario(
        "jobs.fair", "POST /jobs/v1/fairs/{id}/registrations, contention", "jobs", _fair_register
    ),
]

GATEWAY: list[Scenario] = [
    Scenario(
        "gw.districts",
        "GET /wellbeing/v1/districts",
        "gateway",
        _get("gateway", "/wellbeing/v1/districts"),
    ),
    Scenario(
        "gw.healthz", "gateway GET /healthz (a)", "gateway", _get("gateway", "/healthz"), True
    ),
    Scenario(
        "gw.by_id",
        "GET /childcare/v1/institutions/{id} via gateway",
        "gateway",
        _by_id("gateway", "/childcare/v1/institutions/"),
    ),
    Scenario(
        "gw.me",
        "GET /wellbeing/v1/me (token)",
        "gateway",
        _get("gateway", "/wellbeing/v1/me", personal=True),
    ),
]

SCENARIOS: list[Scenario] = [*CHILDCARE, *JOBS, *ELDERCARE, *GATEWAY]


@dataclass(frozen=True)
class Target:
    label: str
    top: str
    bottom: str
    at_least: float | None = None  # ratio of req/s (top / bottom) at least this
    p50_at_most: float | None = None  # ratio of p50 latency (top / bottom) at most this
    # the concurrency the target is judged at (None: every measured one); a latency target is
    # judged unloaded, since at saturation p50 is queueing
    level: int | None = None


TARGETS: list[Target] = [
    Target("by-id read / /healthz", "cc.by_id", "cc.healthz", at_least=0.35),
    Target("by-id read / raw-asyncpg route", "cc.by_id", "cc.by_id.raw"),
    Target("by-id read / asyncio loop", "cc.by_id", "cc.by_id.loop"),
    Target("nearby / /healthz", "cc.nearby", "cc.healthz", at_least=0.20),
    Target("nearby / raw-asyncpg route", "cc.nearby", "cc.nearby.raw"),
    Target("nearby / asyncio loop", "cc.nearby", "cc.nearby.loop"),
    Target("search / /healthz", "cc.search", "cc.healthz"),
    Target("stats / /healthz", "cc.stats", "cc.healthz"),
    Target("plan / /healthz", "cc.plan", "cc.healthz"),
    Target("me/summary / /healthz", "cc.summary", "cc.healthz"),
    Target("station nearby / /healthz", "jobs.nearby", "jobs.healthz", at_least=0.20),
    Target("station nearby / raw-asyncpg route", "jobs.nearby", "jobs.nearby.raw"),
    Target("postings search / /healthz", "jobs.postings", "jobs.healthz"),
    Target("postings search / raw-asyncpg route", "jobs.postings", "jobs.postings.raw"),
    Target("pre-screen / /healthz", "jobs.prescreen", "jobs.healthz", at_least=0.35),
    Target("GeoJSON layer / /healthz", "jobs.geojson", "jobs.healthz"),
    Target("jobs stats / /healthz", "jobs.stats", "jobs.healthz"),
    Target("circle / /healthz", "el.circle", "el.healthz", at_least=0.20),
    Target("circle / raw-asyncpg route", "el.circle", "el.circle.raw"),
    Target("circle / asyncio loop", "el.circle", "el.circle.loop"),
    Target("nearby facilities / /healthz", "el.nearby", "el.healthz", at_least=0.20),
    Target("nearby facilities / raw-asyncpg route", "el.nearby", "el.nearby.raw"),
    Target("nearby facilities / asyncio loop", "el.nearby", "el.nearby.loop"),
    Target("activity list / /healthz", "el.activities", "el.healthz"),
    Target("eldercare stats / /healthz", "el.stats", "el.healthz"),
    Target("eldercare me/summary / /healthz", "el.summary", "el.healthz"),
    Target("proxied read / direct", "gw.by_id", "cc.by_id", at_least=0.80),
    Target("/wellbeing/v1/me / one me/summary", "gw.me", "cc.summary", at_least=0.30),
    Target("/wellbeing/v1/me / jobs me/summary", "gw.me", "jobs.summary"),
    Target("/wellbeing/v1/me / eldercare me/summary", "gw.me", "el.summary"),
    Target(
        "/wellbeing/v1/me p50 / jobs me/summary p50",
        "gw.me",
        "jobs.summary",
        p50_at_most=1.3,
        level=1,
    ),
    Target(
        "/wellbeing/v1/me p50 / eldercare me/summary p50",
        "gw.me",
        "el.summary",
        p50_at_most=1.3,
        level=1,
    ),
    Target("districts (cached) / gateway /healthz", "gw.districts", "gw.healthz"),
    Target(
        "/wellbeing/v1/me p50 / childcare me/summary p50",
        "gw.me",
        "cc.summary",
        p50_at_most=1.3,
        level=1,
    ),
]
