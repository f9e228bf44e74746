"""HTTP caching of JSON reads (DESIGN §2): `ETag` and a short `Cache-Control` on public reads,
`304 Not Modified` on a matching `If-None-Match`, and `no-store` on anything read with a token.

A pure-ASGI middleware, so any app (gateway or service) can use it:
`app.add_middleware(HttpCacheMiddleware, max_age=30)`. It acts only on `GET`/`HEAD` answers
with status 200 and a JSON media type (`application/json`, `application/geo+json`,
`application/*+json`); everything else passes through untouched, streaming included.

- With an `Authorization` header the answer may be personal: `Cache-Control: no-store`
  (unless the route set its own `Cache-Control`), and no `ETag`; this holds for every method
  and status (a `201` with a child's record is as personal as a `GET`).
- Otherwise: a strong `ETag` (a hash of the body, unless the route set one) and
  `Cache-Control: public, max-age=<max_age>` (unless the route set its own). A request whose
  `If-None-Match` names that tag gets `304` with no body.

Compressed answers (`CodedGZipMiddleware`, outside this one) carry their own strong tag,
`"<tag>-gzip"`: RFC 9110 §8.8.3 wants a different strong validator per content coding. This
layer sees the identity body, so it takes `"<tag>-gzip"` in `If-None-Match` for `"<tag>"`, and
the 304 carries the tag the client holds.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_JSON_TYPES = ("application/json", "application/geo+json")
# a body larger than this is passed on as it streams, without an ETag
MAX_BUFFERED_BYTES = 16 * 1024 * 1024


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in _JSON_TYPES or (media.startswith("application/") and media.endswith("+json"))


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


GZIP_SUFFIX = '-gzip"'


def _opaque(tag: str) -> str:
    """The tag for comparison: weak comparison (RFC 9110 §8.8.3.2), any content coding."""
    bare = tag.strip().removeprefix("W/")
    return bare.removesuffix(GZIP_SUFFIX) + '"' if bare.endswith(GZIP_SUFFIX) else bare


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison, `*` matches any current representation; the gzip
    answer's tag matches the identity answer's it was made from."""
    if if_none_match.strip() == "*":
        return True
    wanted = _opaque(etag)
    return any(_opaque(candidate) == wanted for candidate in if_none_match.split(","))


def gzip_etag(etag: str) -> str:
    """`"abc"` → `"abc-gzip"` (weak tags stay weak)."""
    return etag if etag.endswith(GZIP_SUFFIX) else etag[:-1] + GZIP_SUFFIX


# operational routes are probed, never cached
OPS_PATHS = ("/healthz", "/readyz", "/metrics")


def _no_store(send: Send) -> Send:
    async def send_no_store(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            if "cache-control" not in headers:
                headers["Cache-Control"] = "no-store"
        await send(message)

    return send_no_store


class HttpCacheMiddleware:
    def __init__(
        self, app: ASGIApp, max_age: int = 30, skip_paths: tuple[str, ...] = OPS_PATHS
    ) -> None:
        self.app = app
        self.max_age = max_age
        self.skip_paths = skip_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.skip_paths:
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        personal = "authorization" in request_headers
        if scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, _no_store(send) if personal else send)
            return
        if_none_match = request_headers.get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing_through = False

        async def cache_send(message: Message) -> None:
            nonlocal start, size, passing_through
            if passing_through:
                await send(message)
                return
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                if message["status"] != 200 or not _is_json(headers.get("content-type", "")):
                    passing_through = True
                    await send(message)
                    return
                if personal:
                    if "cache-control" not in headers:
                        MutableHeaders(scope=message)["Cache-Control"] = "no-store"
                    passing_through = True
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BUFFERED_BYTES:
                passing_through = True
                await send(start)
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"".join(chunks),
                        "more_body": message.get("more_body", False),
                    }
                )
                return
            if message.get("more_body", False):
                return
            await self._finish(start, b"".join(chunks), if_none_match, send)

        await self.app(scope, receive, cache_send)

    async def _finish(
        self, start: Message, body: bytes, if_none_match: str | None, send: Send
    ) -> None:
        headers = MutableHeaders(scope=start)
        if "cache-control" not in headers:
            headers["Cache-Control"] = f"public, max-age={self.max_age}"
        # HEAD answers carry no body to hash; they get a tag only if the route set one
        etag = headers.get("etag") or (strong_etag(body) if body else None)
        if etag is not None:
            headers["ETag"] = etag
        if etag is not None and if_none_match is not None and etag_matches(if_none_match, etag):
            kept = [
                (k, v)
                for k, v in start.get("headers", [])
                if k.lower() not in (b"content-type", b"content-length", b"content-encoding")
            ]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(start)
        await send({"type": "http.response.body", "body": body})


class CodedGZipMiddleware(GZipMiddleware):
    """Starlette's gzip, with a compressed answer's `ETag` made its own (`gzip_etag`). A `304`
    (never compressed) carries the gzip tag when that is the one the client sent."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if_none_match = Headers(scope=scope).get("if-none-match", "")

        async def tagging_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                etag = headers.get("etag")
                if etag and etag.endswith('"'):
                    compressed = headers.get("content-encoding") == "gzip"
                    held = message["status"] == 304 and gzip_etag(etag) in if_none_match
                    if compressed or held:
                        headers["ETag"] = gzip_etag(etag)
            await send(message)

        await super().__call__(scope, receive, tagging_send)
