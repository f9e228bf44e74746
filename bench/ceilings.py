"""Ceiling routes on the same server process as the measured ones (bench only; never in the
services): the same SQL as a measured read, behind a bare route on a raw asyncpg pool, rendered
with orjson. `uvicorn --factory bench.ceilings:childcare_app` serves the real childcare app plus
`/bench/raw/...`; the ratio of a route to its raw twin is what the framework, validation and
middleware cost."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

import asyncpg
import orjson
from fastapi import FastAPI, Request, Response

from common.pagination import CursorCodec
from common.provisioning import asyncpg_dsn
from services.childcare.institutions import repository as institutions
from services.childcare.institutions.repository import InstitutionFilter
from services.eldercare.facilities import repository as facilities

# the SQL of the measured routes, as their repositories compile it
INSTITUTION_BY_ID = institutions.GET
INSTITUTIONS_NEARBY = institutions.SEARCH.statement_for(InstitutionFilter(), near=True)
FACILITIES_NEARBY = facilities.SEARCH_FACILITIES.statement_for(
    facilities.FacilityFilter(), near=True
)
CIRCLE = facilities.CIRCLE
CIRCLE_PER_KIND = 5
# with the services' own pools (16 each) and the bench's, under PostgreSQL's 100 connections
POOL_SIZE = 8


class RawPool:
    """A raw asyncpg pool opened on first use (the app's lifespan is the service's own)."""

    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None

    async def get(self) -> asyncpg.Pool:
        if self.pool is None:
            url = asyncpg_dsn(os.environ["DATABASE_URL"])
            self.pool = await asyncpg.create_pool(url, min_size=POOL_SIZE, max_size=POOL_SIZE)
        return self.pool


CODEC = CursorCodec("bench")


def _json(value: Any) -> Response:
    return Response(orjson.dumps(value, default=str), media_type="application/json")


def childcare_app() -> FastAPI:
    from services.childcare.main import create_app

    app = create_app()
    raw = RawPool()

    async def by_id(request: Request) -> Response:
        pool = await raw.get()
        institution_id = int(request.path_params["institution_id"])
        async with pool.acquire() as conn:
            row = await INSTITUTION_BY_ID.row(conn, id=institution_id)
        return _json(asdict(row) if row else None)

    async def nearby(request: Request) -> Response:
        pool = await raw.get()
        q = request.query_params
        params = {"lat": float(q["lat"]), "lon": float(q["lon"]), "radius_m": float(q["radius_m"])}
        async with pool.acquire() as conn:
            rows = await INSTITUTIONS_NEARBY.rows(conn, **params, limit=21)
        return _json({"items": [asdict(r) for r in rows[:20]]})

    app.add_route("/bench/raw/institutions/{institution_id}", by_id)
    app.add_route("/bench/raw/institutions", nearby)
    return app


def eldercare_app() -> FastAPI:
    from services.eldercare.main import create_app

    app = create_app()
    raw = RawPool()

    def centre(request: Request) -> dict[str, float]:
        q = request.query_params
        return {"lat": float(q["lat"]), "lon": float(q["lon"]), "radius_m": float(q["radius_m"])}

    async def nearby(request: Request) -> Response:
        pool = await raw.get()
        async with pool.acquire() as conn:
            rows = await FACILITIES_NEARBY.rows(conn, **centre(request), limit=21)
        return _json({"items": [asdict(r) for r in rows[:20]]})

    async def circle(request: Request) -> Response:
        pool = await raw.get()
        async with pool.acquire() as conn:
            rows = await CIRCLE.rows(conn, **centre(request), per_kind=CIRCLE_PER_KIND)
        return _json({"facilities": [asdict(r) for r in rows]})

    app.add_route("/bench/raw/facilities", nearby)
    app.add_route("/bench/raw/circle", circle)
    return app


def jobs_app() -> FastAPI:
    from common.clock import utc_now
    from services.jobs.main import create_app
    from services.jobs.postings import repository as postings
    from services.jobs.postings.repository import PostingFilter
    from services.jobs.stations import repository as stations
    from services.jobs.stations.hours import LocalMoment
    from services.jobs.stations.repository import StationFilter

    app = create_app()
    raw = RawPool()

    async def nearby(request: Request) -> Response:
        pool = await raw.get()
        q = request.query_params
        near = (float(q["lat"]), float(q["lon"]), int(q["radius_m"]))
        async with pool.acquire() as conn:
            page = await stations.SEARCH.page(
                conn,
                StationFilter(),
                near=near,
                params=stations.moment_params(LocalMoment.of(utc_now())),
                limit=20,
                cursor=None,
                codec=CODEC,
                scope="bench",
                shape=asdict,
            )
        return _json({"items": page.items})

    async def search(request: Request) -> Response:
        pool = await raw.get()
        async with pool.acquire() as conn:
            filters = PostingFilter(now=utc_now(), q=request.query_params["q"])
            page = await postings.search_for(filters).page(
                conn,
                filters,
                limit=20,
                cursor=None,
                codec=CODEC,
                scope="bench",
                shape=asdict,
            )
        return _json({"items": page.items})

    app.add_route("/bench/raw/stations", nearby)
    app.add_route("/bench/raw/postings", search)
    return app
