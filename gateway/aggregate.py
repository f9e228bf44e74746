"""`GET /wellbeing/v1/me`: each service's summary, fetched concurrently under one deadline.

A section the gateway could not fill says so (`unavailable`, `timeout`, `error`) and the whole
answer carries `complete: false`; "no data" (an ok section with empty lists) and "could not ask"
never look alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from common.auth import Principal
from common.errors import ProblemError
from common.i18n import t
from gateway.clients.failures import ServiceDown, ServiceTimeout
from gateway.schemas import (
    ChildcareSection,
    CitizenView,
    EldercareSection,
    JobsSection,
    SectionStatus,
)
from gateway.state import Gateway

T = TypeVar("T")
Outcome = tuple[SectionStatus, T | None, str | None]


async def ask(name: str, call: Awaitable[T], deadline: float) -> Outcome[T]:
    """Runs one service call under the deadline and says how it went, in the gateway's words."""
    try:
        async with asyncio.timeout(deadline):
            return SectionStatus.ok, await call, None
    except (TimeoutError, ServiceTimeout):
        late = t("{service} did not answer within {deadline:g} s", service=name, deadline=deadline)
        return SectionStatus.timeout, None, late
    except ServiceDown:
        return SectionStatus.unavailable, None, t("{service} is not reachable", service=name)
    except ProblemError as exc:  # BadGateway: an answer outside the contract
        return SectionStatus.error, None, exc.detail


async def citizen_view(
    gateway: Gateway, principal: Principal, request_id: str | None
) -> CitizenView:
    deadline = gateway.settings.aggregate_deadline_seconds
    headers = {"Authorization": f"Bearer {principal.token}"}
    if request_id is not None:
        headers["X-Request-ID"] = request_id
    # each call gets the whole deadline as its own budget; asyncio.timeout is the backstop
    childcare, jobs, eldercare = await asyncio.gather(
        ask("childcare", gateway.childcare.me_summary(headers=headers, timeout=deadline), deadline),
        ask("jobs", gateway.jobs.me_summary(headers=headers, timeout=deadline), deadline),
        ask("eldercare", gateway.eldercare.me_summary(headers=headers, timeout=deadline), deadline),
    )
    return CitizenView(
        sub=principal.sub,
        complete=all(o[0] is SectionStatus.ok for o in (childcare, jobs, eldercare)),
        childcare=ChildcareSection(status=childcare[0], data=childcare[1], detail=childcare[2]),
        jobs=JobsSection(status=jobs[0], data=jobs[1], detail=jobs[2]),
        eldercare=EldercareSection(status=eldercare[0], data=eldercare[1], detail=eldercare[2]),
    )
