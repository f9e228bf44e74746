"""What the gateway builds in its lifespan, reached by routes through `GatewayDep`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from gateway.clients.base import ServiceClient
from gateway.clients.breakers import Breakers
from gateway.clients.childcare import ChildcareClient, ChildcareStats
from gateway.clients.eldercare import EldercareClient, EldercareStats
from gateway.clients.jobs import JobsClient, JobsStats
from gateway.config import Settings
from gateway.openapi import MergedOpenAPI
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


async def gateway_of(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


GatewayDep = Annotated[Gateway, Depends(gateway_of)]
