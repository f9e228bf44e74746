"""Tiny real backends the gateway tests run on loopback ports (uvicorn subprocesses)."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

CALLS = {"count": 0}


def echo_app() -> FastAPI:
    """Answers like a service: echoes proxied requests, serves readiness, OpenAPI and a summary."""
    app = FastAPI(title="echo")

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.get("/calls")
    async def calls() -> dict[str, int]:
        return CALLS

    @app.get("/childcare/v1/me/summary")
    async def summary(request: Request) -> dict[str, object]:
        CALLS["count"] += 1
        return {
            "children": [{"name": "萱萱"}],
            "auth": request.headers.get("authorization", "")[:6],
        }

    @app.get("/childcare/v1/things", summary="A documented backend route")
    async def things() -> dict[str, list[int]]:
        return {"items": [1, 2]}

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
            },
            status_code=207 if rest == "multi" else 200,
            headers={"X-Backend": "echo", "Set-Cookie": "a=1"},
        )

    return app


def slow_app() -> FastAPI:
    """Ready, but every service call takes longer than any gateway budget in the tests."""
    app = FastAPI(title="slow")

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.api_route("/eldercare/{rest:path}", methods=["GET", "POST"])
    async def slow(rest: str) -> dict[str, str]:
        await asyncio.sleep(5)
        return {"late": rest}

    return app
