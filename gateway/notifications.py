"""`GET /wellbeing/v1/notifications`: the citizen's notices of the three services merged newest
first under one opaque cursor, with a status per source as the citizen view has; and
`POST /wellbeing/v1/notifications/{id}/read`, routed to the service that owns the notice.

The merged order is (at, service, id) descending. The cursor holds the last notice shown; each
service is asked only for what lies after it in that order (`before_at`/`before_id`), so a page
never repeats or skips a notice of a source that answered. A source that failed is named in
`sources` and `complete` is false: its notices of that stretch are not on the page.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from multidict import CIMultiDict
from pydantic import BaseModel, Field

from common.auth import Principal
from common.errors import BadRequest, NotFound
from common.i18n import t
from gateway.aggregate import ask
from gateway.clients.base import ServiceClient
from gateway.clients.typed import ContractModel
from gateway.schemas import Section, SectionStatus
from gateway.state import Gateway

SOURCES = ("childcare", "jobs", "eldercare")  # their rank breaks ties of `at`
MAX_ID = 2**63 - 1


class ServiceNotice(ContractModel):
    """A service's notice (common/notifications/schemas.py::Notification)."""

    id: int
    service: str
    kind: str
    title: str
    body: str
    subject: str
    params: dict[str, Any]
    at: datetime
    read: bool
    read_at: datetime | None


class ServiceNoticePage(ContractModel):
    items: list[ServiceNotice]
    next_cursor: str | None
    unread: int


class MergedNotification(BaseModel):
    id: str = Field(description="`<service>-<n>`: where to send `…/{id}/read`.")
    service: str
    kind: str = Field(description="Stable machine kind, e.g. `childcare.offer_made`.")
    title: str = Field(description="In the language of `Accept-Language` (zh-CN by default).")
    body: str
    subject: str = Field(description="The record it is about, e.g. `enrollment/12`.")
    params: dict[str, Any]
    at: datetime
    read: bool
    read_at: datetime | None

    @classmethod
    def of(cls, notice: ServiceNotice, service: str) -> MergedNotification:
        return cls(**{**notice.model_dump(), "id": f"{service}-{notice.id}", "service": service})


class SourceStatus(Section):
    unread: int | None = Field(None, description="This source's unread notices, when `ok`.")


class NotificationSources(BaseModel):
    childcare: SourceStatus
    jobs: SourceStatus
    eldercare: SourceStatus


class NotificationFeed(BaseModel):
    items: list[MergedNotification]
    next_cursor: str | None = None
    unread: int = Field(description="Unread notices of every source that answered.")
    complete: bool = Field(description="True only when every source is `ok`.")
    sources: NotificationSources


class NotificationNotFound(
    NotFound, code="notification_not_found", message="Notification {id} does not exist."
): ...


Position = tuple[datetime, int, int]  # at, source rank, id


def encode_cursor(position: Position) -> str:
    at, rank, ident = position
    raw = json.dumps([at.isoformat(), SOURCES[rank], ident], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, source, ident = json.loads(raw)
        if not isinstance(ident, int) or not 0 < ident <= MAX_ID:
            raise ValueError("bad id")
        return datetime.fromisoformat(at), SOURCES.index(source), ident
    except (ValueError, TypeError, binascii.Error) as exc:
        raise BadRequest(t("The cursor is not valid."), code="invalid_cursor") from exc


def _before(position: Position | None, rank: int) -> dict[str, str]:
    """What of source `rank` lies after `position` in the merged order."""
    if position is None:
        return {}
    at, cursor_rank, ident = position
    before_id = ident if rank == cursor_rank else (MAX_ID if rank < cursor_rank else 0)
    return {"before_at": at.isoformat(), "before_id": str(before_id)}


async def _page(
    transport: ServiceClient,
    query: dict[str, str],
    headers: CIMultiDict[str],
    timeout: float,  # noqa: ASYNC109 - the per-call budget handed to aiohttp
) -> ServiceNoticePage:
    path = f"/{transport.name}/v1/me/notifications"
    reply = await transport.request(
        "GET", path, query=urlencode(query), headers=headers, timeout=timeout
    )
    return transport.model_of(reply, path, ServiceNoticePage)


def _headers(principal: Principal, request_id: str | None, lang: str | None) -> CIMultiDict[str]:
    headers: CIMultiDict[str] = CIMultiDict(
        {"Authorization": f"Bearer {principal.token}", "Accept-Encoding": "identity"}
    )
    if request_id is not None:
        headers["X-Request-ID"] = request_id
    if lang:
        headers["Accept-Language"] = lang
    return headers


def _transports(gateway: Gateway) -> list[ServiceClient]:
    return [gateway.childcare.transport, gateway.jobs.transport, gateway.eldercare.transport]


async def merged_feed(
    gateway: Gateway,
    principal: Principal,
    *,
    limit: int,
    cursor: str | None,
    request_id: str | None,
    accept_language: str | None,
) -> NotificationFeed:
    position = decode_cursor(cursor) if cursor is not None else None
    deadline = gateway.settings.aggregate_deadline_seconds
    headers = _headers(principal, request_id, accept_language)
    outcomes = await asyncio.gather(
        *(
            ask(
                t.name,
                _page(t, {"limit": str(limit), **_before(position, rank)}, headers, deadline),
                deadline,
            )
            for rank, t in enumerate(_transports(gateway))
        )
    )
    candidates: list[tuple[Position, MergedNotification]] = []
    sources: dict[str, SourceStatus] = {}
    more = False
    for rank, (name, (status, page, detail)) in enumerate(zip(SOURCES, outcomes, strict=True)):
        sources[name] = SourceStatus(
            status=status, detail=detail, unread=page.unread if page else None
        )
        if page is None:
            continue
        more = more or page.next_cursor is not None
        candidates += [((n.at, rank, n.id), MergedNotification.of(n, name)) for n in page.items]
    candidates.sort(key=lambda c: c[0], reverse=True)
    shown = candidates[:limit]
    more = more or len(candidates) > limit
    return NotificationFeed(
        items=[n for _, n in shown],
        next_cursor=encode_cursor(shown[-1][0]) if shown and more else None,
        unread=sum(s.unread or 0 for s in sources.values()),
        complete=all(s.status is SectionStatus.ok for s in sources.values()),
        sources=NotificationSources(**sources),
    )


async def mark_read(
    gateway: Gateway,
    principal: Principal,
    notification_id: str,
    *,
    request_id: str | None,
    accept_language: str | None,
) -> MergedNotification:
    service, _, number = notification_id.partition("-")
    if service not in SOURCES or not number.isdigit() or not 0 < int(number) <= MAX_ID:
        raise NotificationNotFound(id=notification_id)
    transport = _transports(gateway)[SOURCES.index(service)]
    path = f"/{service}/v1/me/notifications/{int(number)}/read"
    reply = await transport.request(
        "POST",
        path,
        headers=_headers(principal, request_id, accept_language),
        timeout=gateway.settings.aggregate_deadline_seconds,
    )
    if reply.status == 404:
        raise NotificationNotFound(id=notification_id)
    return MergedNotification.of(transport.model_of(reply, path, ServiceNotice), service)
