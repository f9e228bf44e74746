"""Writing events: one outbox row per event and recipient, in the transaction of the change that
causes it — it commits with the change or not at all, so no event is lost or invented."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
import orjson
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from common.db import driver_connection
from common.notifications.catalog import Catalog
from common.notifications.hours import push_release


@dataclass(frozen=True)
class Notice:
    """What happened, to whom it is news, about which record; `params` fill the kind's text and
    are all the event carries (no national ID, nothing the inbox does not show)."""

    kind: str
    recipients: Iterable[str]
    subject: str
    params: Mapping[str, str | int | None] = field(default_factory=dict)
    due_at: datetime | None = None  # a reminder's moment; now otherwise
    dedupe_key: str | None = None  # a reminder fires once per key and recipient


class Outbox:
    """A service's outbox table and the kinds it may hold."""

    def __init__(self, table: Table, catalog: Catalog) -> None:
        self.table = table
        self.catalog = catalog
        name = f'"{table.schema}"."{table.name}"'
        self._insert = (
            f"INSERT INTO {name} (kind, recipient_sub, subject, params, occurred_at, due_at,"
            " dedupe_key, push_next_at)"
            " SELECT $1, r, $3, $4::jsonb, $5, $6,"
            " CASE WHEN $7::text IS NULL THEN NULL ELSE $7::text || '/' || r END, $8"
            " FROM unnest($2::text[]) AS r"
            " ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING"
        )

    async def emit(self, session: AsyncSession, notice: Notice, *, now: datetime) -> int:
        """Writes `notice` in the session's transaction; returns the rows written (a reminder
        already written is not written again)."""
        return await self.emit_on(await driver_connection(session), notice, now=now)

    async def emit_on(self, conn: asyncpg.Connection, notice: Notice, *, now: datetime) -> int:
        """The same on the transaction's own asyncpg connection (the hot writes use it)."""
        if notice.kind not in self.catalog:
            raise ValueError(f"unknown notification kind {notice.kind!r}")
        recipients = sorted({r for r in notice.recipients if r})
        if not recipients:
            return 0
        due = notice.due_at or now
        release = push_release(due, urgent=self.catalog[notice.kind].urgent)
        status: str = await conn.execute(
            self._insert,
            notice.kind,
            recipients,
            notice.subject,
            _json(notice.params),
            now,
            due,
            notice.dedupe_key,
            release,
        )
        return int(status.rsplit(" ", 1)[-1])


def _json(params: Mapping[str, Any]) -> str:
    return orjson.dumps(dict(params)).decode()
