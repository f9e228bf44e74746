"""Who may pass the gateway, and how often: the token check and the rate limit as one step.

The limit is applied around token verification, not after it: a request whose token fails
verification still counts against its address, so a stream of bad tokens meets `429` like any
other flood instead of an endless run of `401`s (each of which costs a signature check).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from common.auth import BEARER_SCHEME, REQUIRED_BEARER_SCHEME, Principal, Role
from common.errors import Forbidden, Unauthenticated
from common.i18n import t
from gateway.state import gateway_context

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name=BEARER_SCHEME,
    description="JWT from the city's identity provider",
)
# marks the routes that need a token in the OpenAPI (as `common.auth` does for the services)
_bearer_required = HTTPBearer(auto_error=False, scheme_name=REQUIRED_BEARER_SCHEME)


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer …` header (another scheme counts as none)."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def caller_of(request: Request) -> Principal | None:
    """Verifies a token if one is sent (401 before anything is proxied) and applies the limit:
    per citizen with a valid token, per address otherwise (bad tokens included). A plain
    function, so the proxy route runs it without FastAPI's dependency solving."""
    context = gateway_context(request.app)
    limiter = context.rate_limiter
    address = context.client_address.of(request)
    token = bearer_token(request)
    if token is None:
        await limiter.check(sub=None, address=address)
        return None
    try:
        principal = await context.token_verifier.verify(token)
    except Unauthenticated:
        await limiter.check(sub=None, address=address)  # over the limit: 429 instead of 401
        raise
    await limiter.check(sub=principal.sub, address=address)
    return principal


async def rate_limited_caller(
    request: Request,
    # documents the bearer scheme in the OpenAPI; `caller_of` reads the header itself
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    return await caller_of(request)


CallerDep = Annotated[Principal | None, Depends(rate_limited_caller)]


async def rate_limited_citizen(
    caller: CallerDep,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_required)],
) -> Principal:
    if caller is None:
        raise Unauthenticated(t("A bearer token is required."))
    if not caller.has_any(Role.citizen, Role.admin):
        raise Forbidden(t("This action needs the role: citizen."))
    return caller


CitizenCallerDep = Annotated[Principal, Depends(rate_limited_citizen)]
