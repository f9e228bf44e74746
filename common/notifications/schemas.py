"""The inbox and the admins' list of undelivered events as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class Notification(BaseModel):
    id: int = Field(description="The notice's id in this service's inbox.")
    service: str = Field(examples=["childcare"])
    kind: str = Field(
        examples=["childcare.offer_made"], description="Stable machine kind, never translated."
    )
    title: str = Field(description="In the language of `Accept-Language` (zh-CN by default).")
    body: str
    subject: str = Field(description="The record it is about, e.g. `enrollment/12`.")
    params: dict[str, Any] = Field(description="The values the text shows, for apps.")
    at: datetime = Field(description="When it became news (a reminder: its moment).")
    read: bool
    read_at: datetime | None


class NotificationPage(BaseModel):
    items: list[Notification]
    next_cursor: str | None = None
    unread: int = Field(description="The person's unread notices in this service, all pages.")


class UndeliveredEvent(BaseModel):
    id: int
    event_id: str = Field(description="The CloudEvent id every attempt carried.")
    kind: str
    subject: str
    recipient_sub: str
    attempts: int
    last_error: str | None = Field(description="e.g. `HTTP 500`, `ConnectError`.")
    occurred_at: datetime
    failed_at: datetime | None


class UndeliveredPage(BaseModel):
    items: list[UndeliveredEvent]
    next_cursor: str | None = None
