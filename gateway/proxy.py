"""The proxy: `/{service}/...` forwarded unchanged to that service, after the token check and
the rate limit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from multidict import CIMultiDict

from common.auth import OptionalPrincipalDep, Principal
from common.registry import SERVICE_NAMES
from gateway.clients.base import HOP_BY_HOP, ServiceClient
from gateway.config import Settings
from gateway.ratelimit import RateLimiter


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def rate_limit(request: Request, principal: OptionalPrincipalDep) -> Principal | None:
    """Verifies a token if one is sent (401 before anything is proxied) and applies the limit."""
    limiter: RateLimiter = request.app.state.rate_limiter
    await limiter.check(sub=principal.sub if principal else None, address=client_address(request))
    return principal


RateLimitedPrincipal = Annotated[Principal | None, Depends(rate_limit)]


async def proxy(request: Request, _: RateLimitedPrincipal) -> Response:
    settings: Settings = request.app.state.settings
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
    address = client_address(request)
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


def install_proxy(app: FastAPI) -> None:
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    for service in SERVICE_NAMES:
        app.add_api_route(
            f"/{service}/{{path:path}}", proxy, methods=methods, include_in_schema=False
        )
