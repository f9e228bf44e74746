"""Render every error as RFC 9457 `application/problem+json`, and document that in OpenAPI."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from common.errors import ProblemError

log = structlog.get_logger("problems")

PROBLEM_MEDIA_TYPE = "application/problem+json"

_CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
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


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details with a stable machine `code`."""

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
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def _clean_loc(loc: tuple[Any, ...] | list[Any]) -> list[str | int]:
    return [p if isinstance(p, int) else str(p) for p in loc]


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
            "The request body is not valid JSON.",
            instance=request.url.path,
        )
    errors = [
        {"loc": _clean_loc(i.get("loc", ())), "msg": str(i.get("msg", "")), "type": i["type"]}
        for i in issues
    ]
    first = errors[0] if errors else None
    detail = "The request is not valid"
    if first:
        detail += f": {'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return problem_response(
        422, "validation_error", detail, instance=request.url.path, errors=errors
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = _CODE_BY_STATUS.get(status, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    if status == 404 and detail == "Not Found":
        detail = f"No resource at {request.url.path}."
    if status == 405 and detail == "Method Not Allowed":
        detail = f"{request.method} is not allowed on {request.url.path}."
    return problem_response(
        status, code, detail, headers=dict(exc.headers or {}) or None, instance=request.url.path
    )


def _sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", "") or getattr(exc.orig, "pgcode", "") or "")


async def _on_database(request: Request, exc: Exception) -> JSONResponse:
    """A backstop for what the rules above the database did not catch: never a bare 500."""
    assert isinstance(exc, DBAPIError)
    state = _sqlstate(exc)
    log.warning("database_error", sqlstate=state, error_type=type(exc.orig).__name__)
    if state.startswith("23"):
        return problem_response(
            409, "conflict", "The request conflicts with the current state of the record."
        )
    if state.startswith("22"):
        return problem_response(
            422, "invalid_value", "A value is out of the range this field allows."
        )
    if state in ("40001", "40P01", "55P03"):
        return problem_response(
            409,
            "retry",
            "The request collided with another one; retry it.",
            headers={"Retry-After": "1"},
        )
    if exc.connection_invalidated or state.startswith(("08", "57P")) or not state:
        return problem_response(
            503,
            "database_unavailable",
            "The database is not reachable; retry shortly.",
            headers={"Retry-After": "5"},
        )
    return await _on_unexpected(request, exc)


async def _on_unreachable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("dependency_unreachable", error_type=type(exc).__name__)
    return problem_response(
        503,
        "database_unavailable",
        "The database is not reachable; retry shortly.",
        headers={"Retry-After": "5"},
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled_error", error_type=type(exc).__name__, path=request.url.path)
    return problem_response(
        500, "internal_error", "An unexpected error occurred; it has been logged."
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(DBAPIError, _on_database)
    app.add_exception_handler(OSError, _on_unreachable)
    app.add_exception_handler(Exception, _on_unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the problem statuses a route can return."""
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {s: {"description": HTTPStatus(s).phrase, "content": content} for s in statuses}
