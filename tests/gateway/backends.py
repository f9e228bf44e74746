"""Tiny real backends the gateway tests run on loopback ports (uvicorn subprocesses).

`contract_app` answers `me/summary` and `stats` of all three services exactly as the gateway's
mirrors in gateway/clients/<service>.py describe them, or misbehaves on demand:
`PUT /_modes {"jobs": "slow"}` switches one service to one of MODES; `GET /_calls` counts the
calls that reached it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from common.districts import District

CALLS = {"count": 0}
MODES = ("ok", "slow", "garbage", "wrong_shape", "not_found", "crash", "unavailable")
NOW = "2026-11-29T08:00:00+08:00"

SUMMARIES: dict[str, dict[str, Any]] = {
    "childcare": {
        "children": [
            {
                "id": 1,
                "name": "萱萱",
                "birth_date": "2025-01-15",
                "age_months": 22,
                "id_number_masked": None,
                "created_at": NOW,
                "favourite_toy": "a field the gateway does not know",
            }
        ],
        "enrollments": [
            {
                "id": 7,
                "child_id": 1,
                "child_name": "萱萱",
                "institution_id": 3,
                "institution_name": "新城区阳光托育园",
                "status": "waitlisted",
                "start_date": "2026-12-01",
                "waitlist_position": 2,
                "offer_expires_at": None,
                "applied_at": NOW,
                "status_changed_at": NOW,
            }
        ],
    },
    "jobs": {
        "graduate": {
            "id": 5,
            "university": "内蒙古大学",
            "degree": "bachelor",
            "graduation_date": "2025-06-30",
            "retention": "stayed",
            "employment_status": "employed",
            "district": "赛罕区",
            "registered_at": NOW,
        },
        "applications": [
            {
                "id": 11,
                "programme_id": 2,
                "programme_name": "租房补贴",
                "status": "approved",
                "amount_fen": 60000,
                "applied_at": NOW,
                "decided_at": NOW,
                "decision_note": "材料齐全，予以批准",
                "payment_reference": None,
            }
        ],
        "fair_registrations": [],
    },
    "eldercare": {
        "elders": [
            {
                "id": 4,
                "name": "王奶奶",
                "relation": "family",
                "community_id": 9,
                "community_name": "海东路社区",
                "lives_alone": True,
                "age_years": 82,
            }
        ],
        "activities": [],
        "care_requests": [
            {
                "id": 21,
                "elder_id": 4,
                "care_type": "meal",
                "provider_category": "public",
                "status": "assigned",
                "provider_name": "兴康社区老年食堂",
                "price_fen": None,
                "requested_at": NOW,
            }
        ],
        "renovations": [
            {
                "id": 31,
                "elder_id": 4,
                "items": ["handrails", "bathroom"],
                "status": "scheduled",
                "scheduled_for": "2026-12-10",
                "requested_at": NOW,
            }
        ],
    },
}


def stats(service: str, generation: int) -> dict[str, Any]:
    """Figures that differ by district and by `generation`, so tests can tell reads apart."""
    rows: list[dict[str, Any]] = []
    for i, district in enumerate(District):
        n = (i + 1) * 10 + generation
        row: dict[str, Any] = {"district": district.value}
        if service == "childcare":
            row |= {
                "institutions": n,
                "slots": n * 20,
                "vacancies": n,
                "population": 100_000 + i,
                "slots_per_1000": 4.5 + i / 10,
                "meets_target": True,
            }
        elif service == "jobs":
            row |= {
                "postings": n,
                "fairs": 1,
                "stations": i,
                "check_ins": n * 3,
                "graduates": n * 100,
                "awards": 2,
            }
        else:
            row |= {
                "facilities": n,
                "facilities_by_kind": {"canteen": 1},
                "communities": 4,
                "communities_covered": 3,
                "circle_coverage": 0.75,
                "communities_with_gaps": [{"id": 1, "name": "某社区", "missing": ["pharmacy"]}],
                "activities": 5,
                "open_care_requests": n,
            }
        rows.append(row)
    return {"as_of": NOW, "totals": {}, "by_district": rows}


def contract_app() -> FastAPI:
    app = FastAPI(title="contract backend")
    modes = dict.fromkeys(("childcare", "jobs", "eldercare"), "ok")
    calls: Counter[str] = Counter()
    generation = {"value": 0}

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.put("/_modes")
    async def set_modes(body: dict[str, str]) -> dict[str, str]:
        modes.update(body)
        generation["value"] += 1
        return modes

    @app.get("/_calls")
    async def get_calls() -> dict[str, int]:
        return dict(calls)

    async def answer(service: str, document: dict[str, Any]) -> Response:
        calls[service] += 1
        mode = modes[service]
        if mode == "slow":
            await asyncio.sleep(3)
        if mode == "garbage":
            return Response(b"<html>not json", media_type="application/json")
        if mode == "wrong_shape":
            return JSONResponse({"items": [], "next_cursor": None})
        if mode == "not_found":
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        if mode == "crash":
            return Response(b"Traceback: secret.internal:5432", status_code=500)
        if mode == "unavailable":
            return JSONResponse({"code": "database_unavailable"}, status_code=503)
        return JSONResponse(document)

    for service in ("childcare", "jobs", "eldercare"):

        async def summary(request: Request, service: str = service) -> Response:
            if not request.headers.get("authorization", "").startswith("Bearer "):
                return JSONResponse({"code": "unauthenticated"}, status_code=401)
            return await answer(service, SUMMARIES[service])

        async def service_stats(service: str = service) -> Response:
            return await answer(service, stats(service, generation["value"]))

        app.add_api_route(f"/{service}/v1/me/summary", summary, methods=["GET"])
        app.add_api_route(f"/{service}/v1/stats", service_stats, methods=["GET"])
    return app


def echo_app() -> FastAPI:
    """Answers like a service: echoes proxied requests, redirects, crashes, serves OpenAPI."""
    app = FastAPI(title="echo")

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.get("/calls")
    async def calls() -> dict[str, int]:
        return CALLS

    @app.get("/childcare/v1/things", summary="A documented backend route")
    async def things() -> dict[str, list[int]]:
        return {"items": [1, 2]}

    @app.get("/childcare/v1/stats/", include_in_schema=False)
    async def slash(request: Request) -> RedirectResponse:
        # what Starlette's redirect_slashes does: an absolute URL on the backend's own host
        return RedirectResponse(str(request.url.replace(path="/childcare/v1/stats")), 307)

    @app.get("/childcare/v1/crash", include_in_schema=False)
    async def crash() -> Response:
        return Response(
            b"<h1>500</h1> at db.internal:5432", status_code=500, media_type="text/html"
        )

    @app.api_route(
        "/childcare/v1/echo/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"]
    )
    async def echo(request: Request, rest: str) -> Response:
        CALLS["count"] += 1
        body = await request.body()
        return JSONResponse(
            {
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query,
                "headers": {k.lower(): v for k, v in request.headers.items()},
                "body": body.decode(),
                "padding": "x" * (4000 if rest == "large" else 0),
            },
            status_code=207 if rest == "multi" else 200,
            headers={"X-Backend": "echo", "Set-Cookie": "a=1", "X-Powered-By": "leaky"},
        )

    return app


def slow_app() -> FastAPI:
    """Ready, but every service call takes longer than any gateway budget in the tests."""
    app = FastAPI(title="slow")
    seen = {"count": 0, "finished": 0}

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.get("/seen")
    async def get_seen() -> dict[str, int]:
        return seen

    @app.api_route("/eldercare/{rest:path}", methods=["GET", "POST"])
    async def slow(rest: str) -> dict[str, str]:
        seen["count"] += 1
        await asyncio.sleep(5)
        seen["finished"] += 1
        return {"late": rest}

    return app


def recording_app() -> FastAPI:
    """Answers every path with `200` and the raw path it received, and lists those paths at
    `GET /_seen`: what reached the backend, exactly as it arrived (operational routes too)."""
    app = FastAPI(title="recording", openapi_url=None)
    seen: list[str] = []

    @app.get("/_seen")
    async def get_seen() -> list[str]:
        return seen

    @app.api_route("/{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
    async def record(request: Request, rest: str) -> dict[str, str]:
        raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        if raw != "/readyz":
            seen.append(raw)
        return {"path": raw}

    return app
