"""Render every error as RFC 9457 `application/problem+json`, and document that in OpenAPI."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import asyncpg
import fastapi.routing
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from common.errors import ProblemError
from common.i18n import N_, current_lang, negotiate, t, use_lang
from common.state import context_of

log = structlog.get_logger("problems")

PROBLEM_MEDIA_TYPE = "application/problem+json"

_CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


# the title of an answer no error class names, by status: English msgids (RFC 9110's phrases)
STATUS_TITLES = {
    400: N_("Bad Request"),
    401: N_("Unauthorized"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    406: N_("Not Acceptable"),
    408: N_("Request Timeout"),
    409: N_("Conflict"),
    413: N_("Content Too Large"),
    415: N_("Unsupported Media Type"),
    422: N_("Unprocessable Content"),
    429: N_("Too Many Requests"),
    431: N_("Request Header Fields Too Large"),
    500: N_("Internal Server Error"),
    502: N_("Bad Gateway"),
    503: N_("Service Unavailable"),
    504: N_("Gateway Timeout"),
}


def status_title(status: int) -> str:
    return STATUS_TITLES.get(status) or HTTPStatus(status).phrase


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details with a stable machine `code`. `title` and `detail` are in the
    negotiated language (`Accept-Language`: zh-CN by default, `en` on request; the answer says
    which in `Content-Language`); `code` never changes with the language. A validation error's
    `errors[].msg` is pydantic's own English text (its `type` and `loc` are the stable part)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    errors: list[ValidationIssue] | None = None


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem answer; `title` (an English msgid, by default the status's) is given in the
    request's language, `detail` is already in it (the caller wrote it with `t`)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": t(title or status_title(status)),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    response = JSONResponse(
        body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE
    )
    # also for answers made outside the language middleware (an unexpected error's)
    response.headers["Content-Language"] = current_lang()
    if "vary" not in response.headers:
        response.headers["Vary"] = "Accept-Language"
    return response


def _clean_loc(loc: tuple[Any, ...] | list[Any]) -> list[str | int]:
    # a union's branch shows as a tag such as `function-after[…]`: not a place in the request
    return [p if isinstance(p, int) else str(p) for p in loc if not _union_tag(p)]


def _union_tag(part: Any) -> bool:
    return isinstance(part, str) and "[" in part


def _without_union_noise(issues: list[Any]) -> list[Any]:
    """An optional field (`X | None`) fails its `None` branch for every value sent; beside the
    error of its real branch that says nothing."""
    real = {tuple(_clean_loc(i.get("loc", ()))) for i in issues if i.get("type") != "none_required"}
    return [
        i
        for i in issues
        if not (
            i.get("type") == "none_required" and tuple(_clean_loc(i.get("loc", ()))[:-1]) in real
        )
    ]


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status,
        exc.code,
        exc.detail,
        title=exc.title,
        headers=exc.headers or None,
        instance=request.url.path,
        **exc.extra,
    )


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    issues = list(exc.errors())
    if any(i.get("type") == "json_invalid" for i in issues):
        return problem_response(
            400,
            "malformed_json",
            t("The request body is not valid JSON."),
            instance=request.url.path,
        )
    errors = [
        {"loc": _clean_loc(i.get("loc", ())), "msg": str(i.get("msg", "")), "type": i["type"]}
        for i in _without_union_noise(issues)
    ]
    first = errors[0] if errors else None
    detail = t("The request is not valid.")
    if first:
        # pydantic's message stays English: the catalogue cannot hold every text it makes
        where = ".".join(str(p) for p in first["loc"])
        detail = t("The request is not valid: {where}: {issue}", where=where, issue=first["msg"])
    # well-formed, but outside what is plausible (a birth in 0001): a rule, not malformed input
    implausible = all(e["type"] == "implausible_date" for e in errors) and errors
    code = "implausible_date" if implausible else "validation_error"
    return problem_response(422, code, detail, instance=request.url.path, errors=errors)


def _route_table(app: Any) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """(path regex, methods) of every route, included routers flattened; built once per app."""
    context = context_of(app)
    table = context.route_table
    if table is None:
        # FastAPI keeps included routers nested; `iter_route_contexts` flattens them
        flatten = getattr(fastapi.routing, "iter_route_contexts", None)
        routes = flatten(app.routes) if flatten is not None else app.routes
        table = [
            (compile_path(route.path)[0], frozenset(route.methods or ()))
            for route in routes
            if getattr(route, "path", None) and getattr(route, "methods", None)
        ]
        context.route_table = table
    return table


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    path = request.url.path
    methods: set[str] = set()
    for regex, route_methods in _route_table(request.app):
        if regex.match(path):
            methods |= route_methods
    if "GET" in methods:
        methods.add("HEAD")  # served for every GET by HeadAsGetMiddleware
    return sorted(methods)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = _CODE_BY_STATUS.get(status, "http_error")
    phrase = HTTPStatus(status).phrase
    # Starlette's default detail is the phrase; a detail of our own is written with `t` already
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    headers = dict(exc.headers or {})
    if detail == phrase:
        detail = t(status_title(status))
    if status == 404 and exc.detail == "Not Found":
        detail = t("No resource at {path}.", path=request.url.path)
    if status == 405:
        allowed = allowed_methods(request)
        if allowed:
            headers["Allow"] = ", ".join(allowed)
        if exc.detail == "Method Not Allowed":
            detail = t(
                "{method} is not allowed on {path}; use {allowed}.",
                method=request.method,
                path=request.url.path,
                allowed=", ".join(allowed),
            )
    return problem_response(
        status, code, detail, headers=headers or None, instance=request.url.path
    )


def _sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", "") or getattr(exc.orig, "pgcode", "") or "")


async def _on_database(request: Request, exc: Exception) -> JSONResponse:
    """A backstop for what the rules above the database did not catch: never a bare 500."""
    assert isinstance(exc, DBAPIError)
    state = _sqlstate(exc)
    log.warning("database_error", sqlstate=state, error_type=type(exc.orig).__name__)
    if exc.connection_invalidated:
        return _database_unavailable()
    return await _for_sqlstate(request, exc, state)


async def _on_driver(request: Request, exc: Exception) -> JSONResponse:
    """The same backstop for errors raised by asyncpg on the read path (no SQLAlchemy there).
    A connection the server dropped mid-operation can surface as `InternalClientError`
    ("cannot switch to state …; another operation is in progress"): unavailable, not a 500."""
    if isinstance(exc, asyncpg.PostgresError):
        state = str(getattr(exc, "sqlstate", "") or "")
        log.warning("database_error", sqlstate=state, error_type=type(exc).__name__)
        return await _for_sqlstate(request, exc, state)
    log.warning("dependency_unreachable", error_type=type(exc).__name__)
    return _database_unavailable()


def _database_unavailable() -> JSONResponse:
    return problem_response(
        503,
        "database_unavailable",
        t("The database is not reachable; retry shortly."),
        headers={"Retry-After": "5"},
    )


async def _for_sqlstate(request: Request, exc: Exception, state: str) -> JSONResponse:
    if state.startswith("23"):
        return problem_response(
            409, "conflict", t("The request conflicts with the current state of the record.")
        )
    if state.startswith("22"):
        return problem_response(
            422, "invalid_value", t("A value is out of the range this field allows.")
        )
    if state in ("40001", "40P01", "55P03"):
        return problem_response(
            409,
            "retry",
            t("The request collided with another one; retry it."),
            headers={"Retry-After": "1"},
        )
    # 08: connection, 53: insufficient resources (max_connections), 57P: shutting down
    if state.startswith(("08", "53", "57P")) or not state:
        return _database_unavailable()
    return await _on_unexpected(request, exc)


async def _on_unreachable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("dependency_unreachable", error_type=type(exc).__name__)
    return _database_unavailable()


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled_error", error_type=type(exc).__name__, path=request.url.path)
    # answered outside the language middleware, which has put its language back
    use_lang(negotiate(request.headers.get("accept-language")))
    # this answer is sent outside the request-id middleware: name the request id here
    request_id = request.scope.get("state", {}).get("request_id")
    return problem_response(
        500,
        "internal_error",
        t("An unexpected error occurred; it has been logged."),
        headers={"X-Request-ID": request_id} if request_id else None,
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(DBAPIError, _on_database)
    app.add_exception_handler(asyncpg.PostgresError, _on_driver)
    app.add_exception_handler(asyncpg.InterfaceError, _on_driver)
    app.add_exception_handler(asyncpg.InternalClientError, _on_driver)
    app.add_exception_handler(OSError, _on_unreachable)
    app.add_exception_handler(Exception, _on_unexpected)


def problem_responses(*items: int | type[ProblemError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for a route: plain statuses it can answer, and the domain error
    classes it raises, so every error `code` a client can meet is named in the spec."""
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    codes: dict[int, list[str]] = {}
    for item in items:
        if isinstance(item, int):
            codes.setdefault(item, [])
        else:
            codes.setdefault(item.status, []).append(item.code)
    responses: dict[int | str, dict[str, Any]] = {}
    for status, names in sorted(codes.items()):
        description = HTTPStatus(status).phrase
        if names:
            description += " — `code`: " + ", ".join(f"`{n}`" for n in sorted(set(names)))
        responses[status] = {"description": description, "content": content}
    return responses
