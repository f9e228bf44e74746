"""Pure-ASGI middleware: request ids, access logs, metrics and the request-body cap."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from typing import Annotated

import structlog
from fastapi import Depends, HTTPException, Request
from prometheus_client import Counter, Histogram
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.i18n import N_, negotiate, reset_lang, t, use_lang
from common.problems import problem_response

REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests by route template and status",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds", "HTTP request latency by route template", ["method", "route"]
)


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    # unknown paths are folded together so that metrics never hold ids or arbitrary paths
    return str(path) if path else "<unmatched>"


class RequestContextMiddleware:
    """Accepts or generates X-Request-ID, echoes it, and writes one JSON access line."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service
        # one logger per app, not per module: structlog caches a logger's level on first use,
        # so a module-level one would keep the level of whichever app used it first (tests
        # build apps of several levels in one process)
        self.log = structlog.get_logger("access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        # the service too: one process may hold several apps (tests), each names its own lines
        structlog.contextvars.bind_contextvars(request_id=request_id, service=self.service)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            method = scope["method"]
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_LATENCY.labels(method, route).observe(elapsed)
            if route not in ("/healthz", "/metrics"):
                self.log.info(
                    "request",
                    method=method,
                    route=route,
                    status=status,
                    duration_ms=round(elapsed * 1000, 2),
                )
            structlog.contextvars.unbind_contextvars("request_id", "service")


# the connection is closed after these: the rest of the body is never read
_CLOSE = {"Connection": "close"}


class _BodyTooLarge(HTTPException):
    """Raised from `receive`; FastAPI re-raises HTTPExceptions from body reading untouched."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            413, t("Request bodies are limited to {max_bytes} bytes.", max_bytes=max_bytes), _CLOSE
        )


class _BodyTooSlow(HTTPException):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            408, t("The request body did not arrive within {seconds:g} s.", seconds=seconds), _CLOSE
        )


class RequestBodyLimitMiddleware:
    """Limits on the request body: more than `max_bytes` is `413` (by Content-Length before
    anything is read, else while streaming); a body not all there `read_timeout` seconds after
    the request began is `408`. Both close the connection, and so does any answer sent before
    the body was read to its end: what is left of it is never waited for."""

    def __init__(self, app: ASGIApp, max_bytes: int, read_timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(_BodyTooLarge(self.max_bytes), scope, receive, send)
            return
        if declared in (None, b"0") and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body (HTTP/1.1 has no third way)
            return
        deadline = asyncio.get_running_loop().time() + self.read_timeout
        seen = 0
        body_done = response_started = False

        async def limited_receive() -> Message:
            nonlocal seen, body_done
            if body_done:
                return await receive()  # after the body: only a disconnect, never timed
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _BodyTooSlow(self.read_timeout) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLarge(self.max_bytes)
                body_done = not message.get("more_body", False)
            return message

        async def closing_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                if not body_done:
                    MutableHeaders(scope=message)["Connection"] = "close"
            await send(message)

        try:
            await self.app(scope, limited_receive, closing_send)
        except (_BodyTooLarge, _BodyTooSlow) as exc:
            if not response_started:
                await self._refuse(exc, scope, receive, send)

    async def _refuse(self, exc: HTTPException, scope: Scope, receive: Receive, send: Send) -> None:
        code = "payload_too_large" if exc.status_code == 413 else "request_timeout"
        response = problem_response(exc.status_code, code, exc.detail, headers=_CLOSE)
        await response(scope, receive, send)


# an encoded slash or backslash: some servers and proxies split paths on either
_ENCODED_SEPARATORS = (b"%2f", b"%5c")


def has_unsafe_segment(raw_path: bytes) -> bool:
    """A `.` or `..` segment (plain or percent-encoded in any case) or an encoded slash or
    backslash: a path that something between the client and a route may resolve differently
    from the router that checked it."""
    lowered = raw_path.lower()
    if any(separator in lowered for separator in _ENCODED_SEPARATORS):
        return True
    return any(segment.replace(b"%2e", b".") in (b".", b"..") for segment in lowered.split(b"/"))


class PathGuardMiddleware:
    """Refuses a raw path with dot segments or encoded separators (`has_unsafe_segment`) with
    `400 invalid_path` before routing, so every rule sees the path the backend sees."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            # ASGI's raw_path is the path as sent, without the query (some clients add it)
            raw = (scope.get("raw_path") or scope["path"].encode()).split(b"?", 1)[0]
            if has_unsafe_segment(raw):
                detail = t("The path has a dot segment or an encoded slash; send it resolved.")
                response = problem_response(400, "invalid_path", detail)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class HeadAsGetMiddleware:
    """`HEAD` on every `GET` route (RFC 9110): routed and answered as the GET, headers kept
    (Content-Length included), body dropped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


_CORS_REFUSED = {
    "origin": N_("CORS preflight refused: this origin is not allowed."),
    "method": N_("CORS preflight refused: this method is not allowed."),
    "headers": N_("CORS preflight refused: these headers are not allowed."),
}


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS from an allowlist, with a refused preflight answered as problem+json
    with a code naming what was refused (Starlette answers it in plain text)."""

    def preflight_response(self, request_headers: Headers) -> Response:
        refused = super().preflight_response(request_headers)
        if refused.status_code != 400:
            return refused
        if not self.is_allowed_origin(origin=request_headers["origin"]):
            what = "origin"
        elif request_headers["access-control-request-method"] not in self.allow_methods:
            what = "method"
        else:
            what = "headers"
        problem = problem_response(400, f"cors_{what}_not_allowed", t(_CORS_REFUSED[what]))
        for name, value in refused.headers.items():  # Vary and what CORS would allow
            if name == "vary":
                problem.headers["Vary"] = _with_vary(value, "Accept-Language")
            elif name not in ("content-type", "content-length"):
                problem.headers.append(name, value)
        return problem


def request_id_of(request: Request) -> str | None:
    """The request id the middleware accepted or generated (audit rows and the services'
    logs name it)."""
    found: str | None = request.scope.get("state", {}).get("request_id")
    return found


async def request_id(request: Request) -> str | None:
    return request_id_of(request)


RequestIdDep = Annotated[str | None, Depends(request_id)]


def _with_vary(current: str | None, name: str) -> str:
    tokens = [v.strip() for v in (current or "").split(",") if v.strip()]
    if "*" in tokens or any(v.lower() == name.lower() for v in tokens):
        return ", ".join(tokens)
    return ", ".join([*tokens, name])


_TEXT_TYPES = ("application/json", "application/problem+json", "application/geo+json", "text/")


class LanguageMiddleware:
    """Negotiates the language of the answer's human text from `Accept-Language` (DESIGN §2:
    zh-CN first, en on request) for everything inside it (`common.i18n.current_lang`), and says
    so: `Vary: Accept-Language` on every answer (a cache keeps one per language; the ETag, a
    hash of the body, differs with it) and `Content-Language` on every answer with text."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang = negotiate(Headers(scope=scope).get("accept-language"))
        token = use_lang(lang)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Vary"] = _with_vary(headers.get("vary"), "Accept-Language")
                media = headers.get("content-type", "").lower()
                if "content-language" not in headers and (
                    media.startswith(_TEXT_TYPES) or message["status"] == 304
                ):
                    headers["Content-Language"] = lang
            await send(message)

        try:
            await self.app(scope, receive, send_with_language)
        finally:
            reset_lang(token)
