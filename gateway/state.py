"""What the gateway keeps for its lifetime, typed: the edge (settings, limits, the client's
address, `Location` rewriting) built with the app, the service clients built by its lifespan
and reached by routes through `GatewayDep`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.applications import Starlette

from common.state import AppContext, context_of
from gateway.clients.base import ServiceClient
from gateway.clients.breakers import Breakers
from gateway.clients.childcare import ChildcareClient, ChildcareStats
from gateway.clients.eldercare import EldercareClient, EldercareStats
from gateway.clients.jobs import JobsClient, JobsStats
from gateway.config import Settings
from gateway.edge import ClientAddress, LocationRewriter
from gateway.openapi import MergedOpenAPI
from gateway.ratelimit import RateLimiter
from gateway.stats_cache import StatsSource


@dataclass(frozen=True)
class StatsSources:
    childcare: StatsSource[ChildcareStats]
    jobs: StatsSource[JobsStats]
    eldercare: StatsSource[EldercareStats]


@dataclass(frozen=True)
class Gateway:
    settings: Settings
    transports: dict[str, ServiceClient]
    breakers: Breakers
    childcare: ChildcareClient
    jobs: JobsClient
    eldercare: EldercareClient
    stats: StatsSources
    merged_openapi: MergedOpenAPI


@dataclass(kw_only=True)
class GatewayContext(AppContext):
    settings: Settings
    rate_limiter: RateLimiter
    client_address: ClientAddress
    location_rewriter: LocationRewriter
    _gateway: Gateway | None = None

    @property
    def gateway(self) -> Gateway:
        if self._gateway is None:
            raise RuntimeError("the gateway's service clients are built by its lifespan")
        return self._gateway

    @gateway.setter
    def gateway(self, value: Gateway | None) -> None:
        self._gateway = value


def gateway_context(app: Starlette | Any) -> GatewayContext:
    found = context_of(app)
    if not isinstance(found, GatewayContext):
        raise TypeError(f"app.state.context is {type(found).__name__}, not a GatewayContext")
    return found


async def gateway_of(request: Request) -> Gateway:
    return gateway_context(request.app).gateway


GatewayDep = Annotated[Gateway, Depends(gateway_of)]
