"""Gateway app factory: `uvicorn --factory gateway.main:create_app`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import aiohttp
from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from multidict import CIMultiDict

from common.app import install_problem_openapi, ops_router
from common.auth import OptionalPrincipalDep, Principal, Role, TokenVerifier, require_roles
from common.logging import configure_logging
from common.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from common.problems import install_problem_handlers
from gateway.aggregate import citizen_view
from gateway.clients import HOP_BY_HOP, ServiceClient
from gateway.config import Settings
from gateway.openapi import MergedOpenAPI
from gateway.ratelimit import RateLimiter
from gateway.schemas import CitizenView

SERVICES = ("childcare", "jobs", "eldercare")


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def rate_limit(request: Request, principal: OptionalPrincipalDep) -> Principal | None:
    """Verifies a token if one is sent (401 before anything is proxied) and applies the limit."""
    limiter: RateLimiter = request.app.state.rate_limiter
    await limiter.check(sub=principal.sub if principal else None, address=_client_address(request))
    return principal


RateLimitedPrincipal = Annotated[Principal | None, Depends(rate_limit)]


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

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> JSONResponse:
        merged: MergedOpenAPI = request.app.state.merged_openapi
        return JSONResponse(await merged.document(app.openapi()))

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(openapi_url="/openapi.json", title=app.title)

    @app.get("/wellbeing/v1/me", tags=["wellbeing"], summary="The citizen's aggregated view")
    async def me(
        request: Request,
        principal: Annotated[Principal, require_roles(Role.citizen)],
        _: RateLimitedPrincipal,
    ) -> CitizenView:
        return await citizen_view(
            request.app.state.clients,
            principal,
            request.state.request_id,
            settings.aggregate_deadline_seconds,
        )

    async def proxy(request: Request, _: RateLimitedPrincipal) -> Response:
        service = request.url.path.split("/", 2)[1]
        client: ServiceClient = request.app.state.clients[service]
        headers: CIMultiDict[str] = CIMultiDict(
            (k, v)
            for k, v in request.headers.items()
            if k.lower() not in HOP_BY_HOP
            and not k.lower().startswith(("x-forwarded-", "x-request-id"))
        )
        headers["X-Request-ID"] = request.state.request_id
        prior = request.headers.get("x-forwarded-for")
        address = _client_address(request)
        headers["X-Forwarded-For"] = f"{prior}, {address}" if prior else address
        headers["X-Forwarded-Proto"] = request.url.scheme
        reply = await client.request(
            request.method,
            request.url.path,
            query=request.url.query,
            headers=headers,
            body=await request.body(),
            timeout=settings.proxy_timeout_seconds,
            connect_timeout=settings.connect_timeout_seconds,
        )
        response = Response(content=reply.body, status_code=reply.status)
        for key, value in reply.headers:
            response.headers.append(key, value)
        return response

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    for service in SERVICES:
        app.add_api_route(
            f"/{service}/{{path:path}}", proxy, methods=methods, include_in_schema=False
        )
    return app


__all__ = ["create_app"]
