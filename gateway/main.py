"""Gateway app factory: `uvicorn --factory gateway.main:create_app`."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import structlog
from fastapi import FastAPI, Request

from common.app import install_problem_openapi, ops_router
from common.auth import TokenVerifier
from common.clock import Clock
from common.docs import install_offline_docs
from common.gc_metrics import install_gc_metrics
from common.http_cache import CodedGZipMiddleware, HttpCacheMiddleware
from common.logging import configure_logging
from common.middleware import (
    HeadAsGetMiddleware,
    LanguageMiddleware,
    PathGuardMiddleware,
    ProblemCORSMiddleware,
    RequestBodyLimitMiddleware,
    RequestContextMiddleware,
)
from common.networks import Networks
from common.openapi import operation_id
from common.problems import install_problem_handlers
from common.registry import SERVICE_NAMES
from common.tracing import client_trace_configs, trace_app
from gateway.clients.base import Resilience, ServiceClient, service_session
from gateway.clients.breakers import Breakers
from gateway.clients.childcare import childcare_client
from gateway.clients.eldercare import eldercare_client
from gateway.clients.jobs import jobs_client
from gateway.config import Settings
from gateway.edge import ClientAddress, LocationRewriter
from gateway.openapi import MergedOpenAPI
from gateway.proxy import install_proxy
from gateway.ratelimit import RateLimiter
from gateway.routes import router
from gateway.state import Gateway, GatewayContext, StatsSources, gateway_context
from gateway.stats_cache import StatsSource

log = structlog.get_logger("gateway")


async def readiness(request: Request) -> dict[str, str]:
    gateway = gateway_context(request.app).gateway

    async def one(client: ServiceClient) -> str:
        try:
            reply = await client.request("GET", "/readyz", timeout=2.0)
        except Exception as exc:  # any failure means not ready
            return getattr(exc, "code", "unreachable")
        return "ok" if reply.status == 200 else f"not ready ({reply.status})"

    clients = gateway.transports
    results = await asyncio.gather(*(one(c) for c in clients.values()))
    return dict(zip(clients, results, strict=True))


def build_gateway(settings: Settings, session: aiohttp.ClientSession) -> Gateway:
    breakers = Breakers(
        list(SERVICE_NAMES),
        threshold=settings.breaker_threshold,
        reset_seconds=settings.breaker_reset_seconds,
    )
    resilience = Resilience(
        breakers,
        settings.retry_attempts,
        settings.connect_timeout_seconds,
        settings.breaker_reset_seconds,
    )
    transports = {
        name: ServiceClient(name, url, session, resilience)
        for name, url in settings.service_urls().items()
    }
    childcare = childcare_client(transports["childcare"])
    jobs = jobs_client(transports["jobs"])
    eldercare = eldercare_client(transports["eldercare"])
    cache = {
        "fresh_seconds": settings.stats_cache_seconds,
        "max_stale_seconds": settings.stats_max_stale_seconds,
        "timeout": settings.aggregate_deadline_seconds,
    }
    return Gateway(
        settings=settings,
        transports=transports,
        breakers=breakers,
        childcare=childcare,
        jobs=jobs,
        eldercare=eldercare,
        stats=StatsSources(
            childcare=StatsSource(childcare, **cache),
            jobs=StatsSource(jobs, **cache),
            eldercare=StatsSource(eldercare, **cache),
        ),
        merged_openapi=MergedOpenAPI(transports, settings.openapi_cache_seconds),
    )


async def warm(gateway: Gateway) -> None:
    """Reads every service's stats once, so the first caller after a restart gets figures;
    a dead service delays start-up by `startup_warm_seconds` at most."""
    stats = gateway.stats
    if gateway.settings.startup_warm_seconds <= 0:
        return
    try:
        async with asyncio.timeout(gateway.settings.startup_warm_seconds):
            childcare, jobs, eldercare = await asyncio.gather(
                stats.childcare.read(), stats.jobs.read(), stats.eldercare.read()
            )
    except TimeoutError:
        log.warning("stats_warm_timeout")
        return
    log.info(
        "stats_warmed",
        childcare=childcare.status.value,
        jobs=jobs.status.value,
        eldercare=eldercare.status.value,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level, service="gateway")
    install_gc_metrics()

    context = GatewayContext(
        token_verifier=TokenVerifier(settings),
        clock=Clock(),
        settings=settings,
        rate_limiter=RateLimiter(
            settings.rate_limit,
            settings.anonymous_rate_limit,
            settings.redis_url,
            retry_seconds=settings.redis_retry_seconds,
            check_in_limit=settings.check_in_rate_limit,
        ),
        client_address=ClientAddress(settings.trusted_proxies),
        location_rewriter=LocationRewriter(list(settings.service_urls().values())),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        session = service_session(trace_configs=client_trace_configs())
        context.gateway = gateway = build_gateway(settings, session)
        await warm(gateway)
        # what start-up built lives as long as the process: keep it out of later collections
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await session.close()

    app = FastAPI(
        title="Hohhot citizen-wellbeing API",
        description=(
            "One base URL for childcare (少有所学), jobs (青有所为) and eldercare (老有所养), "
            "plus the citizen's aggregated view and district indicators. Errors are RFC 9457 "
            "problem+json with a stable `code`."
        ),
        version="1.0.0",
        contact={"name": "Hohhot citizen-wellbeing platform team"},
        lifespan=lifespan,
        openapi_tags=[
            {
                "name": "wellbeing",
                "description": "The gateway's own routes: the citizen's aggregated view and "
                "the district indicators from all three services.",
            }
        ],
        servers=[
            {"url": settings.public_url.rstrip("/"), "description": "The platform"}
            if settings.public_url
            else {"url": "/", "description": "The host that served this document"}
        ],
        generate_unique_id_function=operation_id,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.context = context
    install_problem_handlers(app)
    install_problem_openapi(app)
    # added innermost first: the request id wraps everything, a bad path is refused before
    # anything else, CORS answers preflights before any limit, gzip compresses what the cache
    # layer tagged (and gives it a tag of its own), and a HEAD goes through all of them as its
    # GET (same ETag, Content-Encoding, Content-Length) before its body is dropped
    app.add_middleware(
        RequestBodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        read_timeout=settings.body_read_timeout_seconds,
    )
    app.add_middleware(HttpCacheMiddleware, max_age=settings.public_cache_seconds)
    app.add_middleware(
        CodedGZipMiddleware, minimum_size=settings.gzip_minimum_bytes, compresslevel=6
    )
    app.add_middleware(
        ProblemCORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            "If-None-Match",
            "X-Request-ID",
        ],
        expose_headers=["ETag", "Idempotent-Replayed", "Location", "Retry-After", "X-Request-ID"],
        max_age=600,
    )
    app.add_middleware(HeadAsGetMiddleware)
    # before routing, and before HEAD becomes GET: one rule for every method
    app.add_middleware(PathGuardMiddleware)
    # the language of every answer's text, the path guard's and the body limit's included
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(RequestContextMiddleware, service="gateway")
    app.include_router(ops_router(readiness, metrics_allow=Networks(settings.metrics_allow)))
    app.include_router(router)
    install_offline_docs(app, openapi_url="/openapi.json", enabled=settings.docs_enabled)
    install_proxy(app)
    trace_app(app, "gateway")
    return app


__all__ = ["create_app"]
