"""Reading and marking a person's inbox, and the admins' list of undelivered events: the SQL
once per service, keyset pages newest first."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import orjson
from sqlalchemy import Table

from common.errors import NotFound
from common.i18n import Lang
from common.notifications.catalog import Catalog
from common.notifications.schemas import Notification, UndeliveredEvent

MAX_ID = 2**63 - 1


class NotificationNotFound(
    NotFound, code="notification_not_found", message="Notification {id} does not exist."
): ...


class Inbox:
    def __init__(self, service: str, inbox: Table, outbox: Table, catalog: Catalog) -> None:
        self.service = service
        self.catalog = catalog
        into = f'"{inbox.schema}"."{inbox.name}"'
        out = f'"{outbox.schema}"."{outbox.name}"'
        columns = "id, kind, subject, params::text AS params, at, read_at"
        # the page and the unread count in one round trip (the count rides on every row; an
        # empty page asks for it alone)
        self._page = (
            f"SELECT {columns}, (SELECT count(*) FROM {into} u WHERE u.recipient_sub = $1"
            " AND u.read_at IS NULL) AS unread"
            f" FROM {into} WHERE recipient_sub = $1"
            " AND ($2::timestamptz IS NULL OR (at, id) < ($2::timestamptz, $3::bigint))"
            " ORDER BY at DESC, id DESC LIMIT $4"
        )
        self._unread = f"SELECT count(*) FROM {into} WHERE recipient_sub = $1 AND read_at IS NULL"
        # reading twice keeps the first moment
        self._read = (
            f"UPDATE {into} SET read_at = coalesce(read_at, $3)"
            f" WHERE id = $1 AND recipient_sub = $2 RETURNING {columns}"
        )
        self._undelivered = (
            "SELECT id, event_id::text AS event_id, kind, subject, recipient_sub,"
            " push_attempts AS attempts, push_last_error AS last_error, occurred_at,"
            f" push_done_at AS failed_at FROM {out}"
            " WHERE push_state = 'failed' AND id < $1 ORDER BY id DESC LIMIT $2"
        )

    def shape(self, row: asyncpg.Record, lang: Lang) -> Notification:
        params = orjson.loads(row["params"])
        text = self.catalog.render(row["kind"], params, lang)
        # built from the database's own rows: no second validation (the read path's rule)
        return Notification.model_construct(
            id=row["id"],
            service=self.service,
            kind=row["kind"],
            title=text.title,
            body=text.body,
            subject=row["subject"],
            params=params,
            at=row["at"],
            read=row["read_at"] is not None,
            read_at=row["read_at"],
        )

    async def page(
        self,
        conn: asyncpg.Connection,
        *,
        sub: str,
        before: tuple[datetime, int] | None,
        limit: int,
        lang: Lang,
    ) -> tuple[list[Notification], int]:
        """One page strictly older than `before` (at, id), newest first, and the unread count."""
        at, ident = before if before is not None else (None, MAX_ID)
        rows = await conn.fetch(self._page, sub, at, ident, limit)
        unread: int = rows[0]["unread"] if rows else await conn.fetchval(self._unread, sub)
        return [self.shape(r, lang) for r in rows], unread

    async def mark_read(
        self, conn: asyncpg.Connection, *, sub: str, ident: int, now: datetime, lang: Lang
    ) -> Notification:
        row = await conn.fetchrow(self._read, ident, sub, now)
        if row is None:  # another person's notice is as absent as one that never was
            raise NotificationNotFound(id=ident)
        return self.shape(row, lang)

    async def undelivered(
        self, conn: asyncpg.Connection, *, before_id: int | None, limit: int
    ) -> list[UndeliveredEvent]:
        rows = await conn.fetch(self._undelivered, before_id or MAX_ID, limit)
        return [UndeliveredEvent(**dict(r)) for r in rows]
