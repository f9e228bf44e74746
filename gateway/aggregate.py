"""`GET /wellbeing/v1/me`: each service's summary, fetched concurrently under one deadline.

A section the gateway could not fill says so (`unavailable`, `timeout`, `error`) and the whole
answer carries `complete: false`; "no data" (an ok section with empty lists) and "could not ask"
never look alike.
"""

from __future__ import annotations

import asyncio

from common.auth import Principal
from common.errors import ProblemError
from common.registry import SERVICE_NAMES
from gateway.clients.base import ServiceClient, ServiceDown, ServiceTimeout
from gateway.schemas import CitizenView, Section, SectionStatus


async def _section(
    client: ServiceClient, principal: Principal, request_id: str, deadline: float
) -> Section:
    headers = {"Authorization": f"Bearer {principal.token}", "X-Request-ID": request_id}
    try:
        status, body = await asyncio.wait_for(
            client.get_json(f"/{client.name}/v1/me/summary", headers=headers, timeout=deadline),
            timeout=deadline,
        )
    except (TimeoutError, ServiceTimeout):
        return Section(status=SectionStatus.timeout, detail=f"{client.name} did not answer in time")
    except ServiceDown:
        return Section(status=SectionStatus.unavailable, detail=f"{client.name} is not reachable")
    except ProblemError as exc:
        return Section(status=SectionStatus.error, detail=exc.detail)
    if status == 200 and isinstance(body, dict):
        return Section(status=SectionStatus.ok, data=body)
    if status in (404, 501, 502, 503):
        return Section(status=SectionStatus.unavailable, detail=f"{client.name} answered {status}")
    return Section(status=SectionStatus.error, detail=f"{client.name} answered {status}")


async def citizen_view(
    clients: dict[str, ServiceClient], principal: Principal, request_id: str, deadline: float
) -> CitizenView:
    names = SERVICE_NAMES
    sections = await asyncio.gather(
        *(_section(clients[n], principal, request_id, deadline) for n in names)
    )
    by_name = dict(zip(names, sections, strict=True))
    return CitizenView(
        sub=principal.sub,
        complete=all(s.status is SectionStatus.ok for s in sections),
        childcare=by_name["childcare"],
        jobs=by_name["jobs"],
        eldercare=by_name["eldercare"],
    )
