"""Gateway app factory: `uvicorn --factory gateway.main:create_app`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from fastapi import FastAPI, Request

from common.app import install_problem_openapi, ops_router
from common.auth import TokenVerifier
from common.logging import configure_logging
from common.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from common.problems import install_problem_handlers
from gateway.clients.base import ServiceClient
from gateway.config import Settings
from gateway.openapi import MergedOpenAPI
from gateway.proxy import install_proxy
from gateway.ratelimit import RateLimiter
from gateway.routes import router


async def readiness(request: Request) -> dict[str, str]:
    clients: dict[str, ServiceClient] = request.app.state.clients

    async def one(client: ServiceClient) -> str:
        try:
            reply = await client.request("GET", "/readyz", timeout=2.0, connect_timeout=1.0)
        except Exception as exc:  # any failure means not ready
            return getattr(exc, "code", "unreachable")
        return "ok" if reply.status == 200 else f"not ready ({reply.status})"

    results = await asyncio.gather(*(one(c) for c in clients.values()))
    return dict(zip(clients, results, strict=True))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level, service="gateway")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        connector = aiohttp.TCPConnector(limit=200, limit_per_host=100, keepalive_timeout=30)
        session = aiohttp.ClientSession(connector=connector, auto_decompress=False)
        app.state.clients = {
            name: ServiceClient(name, url, session) for name, url in settings.service_urls().items()
        }
        app.state.merged_openapi = MergedOpenAPI(app.state.clients, settings.openapi_cache_seconds)
        try:
            yield
        finally:
            await session.close()

    app = FastAPI(
        title="Hohhot citizen-wellbeing API",
        description=(
            "One base URL for childcare (少有所学), jobs (青有所为) and eldercare (老有所养), "
            "plus the citizen's aggregated view. Errors are RFC 9457 problem+json with a `code`."
        ),
        version="1.0.0",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(settings)
    app.state.rate_limiter = RateLimiter(
        settings.rate_limit, settings.anonymous_rate_limit, settings.redis_url
    )
    install_problem_handlers(app)
    install_problem_openapi(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(ops_router(readiness))
    app.include_router(router)
    install_proxy(app)
    return app


__all__ = ["create_app"]
