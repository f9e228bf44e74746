"""The proxy: `/{service}/...` forwarded unchanged to that service, after the token check and
the rate limit."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from multidict import CIMultiDict
from starlette.routing import Route

from common.i18n import t
from common.middleware import request_id_of
from common.problems import PROBLEM_MEDIA_TYPE
from common.registry import SERVICE_NAMES
from gateway.access import caller_of
from gateway.clients.base import HOP_BY_HOP, IDEMPOTENT, Reply
from gateway.clients.failures import BadGateway
from gateway.edge import ClientAddress, LocationRewriter
from gateway.state import gateway_context

# the gateway sets these itself; what a client sends under these names is not passed on
_REPLACED = ("x-forwarded-", "x-request-id", "forwarded")


def _outgoing_headers(request: Request, addresses: ClientAddress) -> CIMultiDict[str]:
    headers: CIMultiDict[str] = CIMultiDict(
        (k, v)
        for k, v in request.headers.items()
        if k.lower() not in HOP_BY_HOP and not k.lower().startswith(_REPLACED)
    )
    request_id = request_id_of(request)
    if request_id is not None:
        headers["X-Request-ID"] = request_id
    headers["X-Forwarded-For"] = addresses.forwarded_chain(request)
    headers["X-Forwarded-Proto"] = request.url.scheme
    if "accept-encoding" not in headers:
        # otherwise aiohttp asks for gzip on the client's behalf and passes it on undecoded
        headers["Accept-Encoding"] = "identity"
    return headers


def _response(reply: Reply, service: str, rewrite: LocationRewriter) -> Response:
    content_type = next((v for k, v in reply.headers if k.lower() == "content-type"), "")
    if reply.status >= 500 and not content_type.startswith(
        (PROBLEM_MEDIA_TYPE, "application/json")
    ):
        # a crash page or a proxy's HTML: none of its text reaches the client
        raise BadGateway(
            t("The {service} service failed ({status}).", service=service, status=reply.status),
            service=service,
        )
    response = Response(content=reply.body, status_code=reply.status)
    for key, value in reply.headers:
        response.headers.append(key, rewrite(value) if key.lower() == "location" else value)
    return response


# what a request target may hold as it is (RFC 3986 pchar, "/", "?" and the "%" of an escape)
_TARGET_SAFE = "/?:@!$&'()*+,;=-._~%"


def _as_sent(raw: bytes) -> str:
    """A raw path or query as the client sent it; only bytes no request line may hold (a space,
    non-ASCII) are percent-encoded. Forwarded undecoded, so the service routes the very path
    the gateway checked and limited (PathGuardMiddleware refused dot segments before)."""
    return quote(raw.decode("latin-1"), safe=_TARGET_SAFE, encoding="latin-1")


_CHECK_IN = re.compile(r"^/jobs/v1/stations/[^/]+/check-ins$")


async def proxy(request: Request) -> Response:
    """A plain Starlette endpoint: the hot path of the gateway pays no dependency solving."""
    await caller_of(request)
    context = gateway_context(request.app)
    if request.method == "POST" and _CHECK_IN.match(request.url.path):
        await context.rate_limiter.check_in(address=context.client_address.of(request))
    gateway = context.gateway
    settings = gateway.settings
    service = request.url.path.split("/", 2)[1]
    read = request.method in IDEMPOTENT
    raw_path = (request.scope.get("raw_path") or request.url.path.encode()).split(b"?", 1)[0]
    reply = await gateway.transports[service].request(
        request.method,
        _as_sent(raw_path),
        query=_as_sent(request.scope["query_string"]),
        headers=_outgoing_headers(request, context.client_address),
        body=await request.body(),
        timeout=settings.read_timeout_seconds if read else settings.write_timeout_seconds,
    )
    return _response(reply, service, context.location_rewriter)


def install_proxy(app: FastAPI) -> None:
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    for service in SERVICE_NAMES:
        app.router.routes.append(Route(f"/{service}/{{path:path}}", proxy, methods=methods))
