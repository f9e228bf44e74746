"""The app factory every service uses: lifespan-owned engine, middleware, problems, ops routes."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import Table, text
from starlette.exceptions import HTTPException

from common.auth import (
    BEARER_SCHEME,
    REQUIRED_BEARER_SCHEME,
    TokenVerifier,
    optional_principal,
)
from common.clock import Clock
from common.db import make_engine, make_sessionmaker
from common.db_metrics import POOLS
from common.docs import install_offline_docs
from common.gc_metrics import install_gc_metrics
from common.http_cache import HttpCacheMiddleware
from common.i18n import t
from common.idempotency import purge_expired_keys
from common.logging import configure_logging
from common.middleware import (
    HeadAsGetMiddleware,
    LanguageMiddleware,
    PathGuardMiddleware,
    RequestBodyLimitMiddleware,
    RequestContextMiddleware,
)
from common.migrations import head_revision, known_revisions
from common.networks import Networks
from common.notifications.routes import notification_router
from common.notifications.wiring import Notifications, dispatching
from common.openapi import describe_operations, operation_id
from common.pagination import CursorCodec
from common.problems import PROBLEM_MEDIA_TYPE, Problem, install_problem_handlers, problem_response
from common.read import Reader
from common.settings import Environment, ServiceSettings
from common.state import Database, ServiceContext, service_context
from common.tasks import periodic
from common.tracing import trace_app

LifespanHook = Callable[[FastAPI], AbstractAsyncContextManager[None]]


class Health(BaseModel):
    status: str
    checks: dict[str, str] = {}


def ops_router(
    readiness: Callable[[Request], Any], metrics_allow: Networks | None = None
) -> APIRouter:
    """`/healthz` (alive, no dependencies), `/readyz` (dependencies), `/metrics` (Prometheus;
    with `metrics_allow`, only for direct peers in those networks: to anyone else it is a path
    like any unknown one, `404`)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> Health:
        return Health(status="ok")

    @router.get("/readyz")
    async def readyz(request: Request) -> Response:
        checks: dict[str, str] = await readiness(request)
        if all(v == "ok" for v in checks.values()):
            return Response(
                Health(status="ready", checks=checks).model_dump_json(),
                media_type="application/json",
            )
        failing = ", ".join(f"{k}: {v}" for k, v in checks.items() if v != "ok")
        return problem_response(
            503, "not_ready", t("Not ready ({failing}).", failing=failing), checks=checks
        )

    @router.get("/metrics")
    async def metrics(request: Request) -> Response:
        # the socket's peer: uvicorn runs without proxy headers, so no header can set it
        peer = request.client.host if request.client else None
        if metrics_allow is not None and peer not in metrics_allow:
            raise HTTPException(404)  # answered exactly as any unknown path is
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def database_readiness(request: Request) -> dict[str, str]:
    checks: dict[str, str] = {}
    context = service_context(request.app)
    schema = context.schema
    try:
        async with context.database.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
            current = await conn.scalar(text(f'SELECT version_num FROM "{schema}".alembic_version'))
    except Exception as exc:  # readiness reports any failure as not ready
        checks.setdefault("database", f"unreachable ({type(exc).__name__})")
        if checks["database"] == "ok":
            checks["migrations"] = "not applied"
        return checks
    head = context.migration_head
    # a revision this image does not know was written by a newer release's migration Job:
    # migrations are expand/contract, so the schema still serves this image while the rollout
    # replaces it (else every old pod turned unready before a new one was up)
    newer = current is not None and current not in context.known_revisions
    checks["migrations"] = "ok" if current == head or newer else f"at {current}, head is {head}"
    return checks


def _optional_bearer_for_public_routes(spec: dict[str, Any]) -> None:
    """A route that only *may* take a token (public reads) says so, so a generated client calls
    it anonymously; a route that needs one says `[{bearer}]`.

    The optional bearer, `[{}, {bearer}]`, is the document's own `security`, which a public
    operation inherits by declaring none: generators that type the client by the operation's
    own list (openapi-python-client 0.29 takes any list as "needs AuthenticatedClient", its
    issue #1372) then let an anonymous client call it, and the meaning is the same."""
    schemes = spec.get("components", {}).get("securitySchemes", {})
    schemes.pop(REQUIRED_BEARER_SCHEME, None)
    optional = False
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            names = {name for item in operation.get("security", []) for name in item}
            if REQUIRED_BEARER_SCHEME in names:
                operation["security"] = [{BEARER_SCHEME: []}]
            elif BEARER_SCHEME in names:
                del operation["security"]
                optional = True
    if optional:
        spec["security"] = [{}, {BEARER_SCHEME: []}]


def install_problem_openapi(app: FastAPI) -> None:
    """Documents problem+json as every operation's error response (400/422 included), and which
    routes need a token and which only accept one."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
            servers=app.servers,
            contact=app.contact,
        )
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem_schema.pop("$defs", {}))
        schemas["Problem"] = problem_schema
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        problem = {
            "description": "Problem details (RFC 9457) with a stable `code`",
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for path_item in spec.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status in list(responses):
                    if status.startswith(("4", "5")):
                        responses[status] = {
                            **problem,
                            "description": responses[status].get("description", ""),
                        }
                responses["default"] = problem
        _optional_bearer_for_public_routes(spec)
        describe_operations(spec)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def create_service_app(
    *,
    name: str,
    title: str,
    description: str,
    settings: ServiceSettings,
    schema: str,
    routers: Sequence[APIRouter],
    idempotency_table: Table,
    audit_table: Table,
    tags: Sequence[dict[str, str]] = (),
    hooks: Sequence[LifespanHook] = (),
    notifications: Notifications | None = None,
) -> FastAPI:
    if notifications is not None:  # its inbox routes and its dispatcher come with it
        routers = [
            *routers,
            notification_router(f"/{name}/v1", name, notifications, tags=[name]),
        ]
        hooks = [*hooks, dispatching]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_recycle_seconds=settings.database_pool_recycle_seconds,
            application_name=name,
            pgbouncer=settings.database_pgbouncer,
        )
        context.database = Database(
            engine=engine,
            sessionmaker=make_sessionmaker(engine),
            background_sessionmaker=make_sessionmaker(engine),
            reader=Reader(engine),
        )
        POOLS.register(name, engine)
        try:
            async with AsyncExitStack() as stack:
                for hook in (purge_keys, *hooks):
                    await stack.enter_async_context(hook(app))
                # the OpenAPI document is built before the process reports ready (a second or
                # more of CPU): the gateway's first merge then finds it instead of timing out
                app.openapi()
                # what start-up built lives as long as the process: keep it out of every
                # later collection (full collections of it cost ~80 ms pauses at p99)
                gc.collect()
                gc.freeze()
                yield
        finally:
            POOLS.unregister(name, engine)
            context.database = None
            await engine.dispose()

    # at factory time, so uvicorn's own lines are JSON from "Started server process" on
    configure_logging(settings.log_level, service=name)
    install_gc_metrics()
    dev = settings.environment is Environment.development
    app = FastAPI(
        title=title,
        description=description,
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        # every tag a route uses, with its description (a test finds undeclared ones)
        openapi_tags=list(tags),
        generate_unique_id_function=operation_id,
        # `/stats/` is a 404, not a redirect: a redirect would name this server's own address,
        # which behind the gateway is a backend address (DESIGN §2)
        redirect_slashes=False,
    )
    context = ServiceContext(
        name=name,
        schema=schema,
        settings=settings,
        token_verifier=TokenVerifier(settings),
        clock=Clock(),
        migration_head=head_revision(name),
        known_revisions=known_revisions(name),
        idempotency_table=idempotency_table,
        audit_table=audit_table,
        cursor_codec=CursorCodec(settings.cursor_key),
        notifications=notifications,
    )
    app.state.context = context
    install_problem_handlers(app)
    install_problem_openapi(app)
    app.add_middleware(
        RequestBodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        read_timeout=settings.body_read_timeout_seconds,
    )
    app.add_middleware(HttpCacheMiddleware, max_age=settings.public_cache_seconds)
    # outside the cache layer: a HEAD is tagged as its GET is, then its body is dropped
    app.add_middleware(HeadAsGetMiddleware)
    # before routing, and before HEAD becomes GET: one rule for every method
    app.add_middleware(PathGuardMiddleware)
    # the language of every answer's text, the path guard's and the body limit's included
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(RequestContextMiddleware, service=name)
    app.include_router(ops_router(database_readiness))
    for router in routers:
        # one rule on every route, public reads included: a token that is sent is verified, and
        # one that cannot be is a 401 (never ignored on one route and refused on another)
        app.include_router(router, dependencies=[Depends(optional_principal)])
    install_offline_docs(
        app,
        openapi_url="/openapi.json",
        enabled=settings.docs_enabled,
        ui_parameters={"persistAuthorization": dev},
    )
    trace_app(app, name)
    return app


purge_keys = periodic(
    "idempotency_keys_purged",
    lambda app: float(service_context(app).settings.idempotency_purge_seconds),
    purge_expired_keys,
)
