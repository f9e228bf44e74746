"""The dispatcher every service process runs: each due outbox event goes exactly once into the
inbox, and at least once to the push gateway.

Why `FOR UPDATE SKIP LOCKED` and not pgqueuer: the outbox row must be written by the domain's
own transaction on its own connection (pgqueuer enqueues through its own driver object), and the
delivery state — inboxed, pushed, retries, held until 07:00 — is a few columns of that row. Two
statements on the service's own pool do it: any number of replicas claim disjoint rows, a
claimed row is skipped, not waited for, and the inbox's unique `event_id` makes a second
delivery impossible even if two claims ever met. No extra tables, library or LISTEN connection.

Push is claimed with a lease (`push_next_at` moved past the request's timeout) and committed
before the POST: a dispatcher killed mid-delivery leaves the row to be claimed again when the
lease ends (at-least-once, the same event id), and no transaction is held open over HTTP.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg
import orjson
import structlog
from prometheus_client import Counter, Histogram
from sqlalchemy import Table

from common.clock import utc_now
from common.notifications.hours import push_release
from common.notifications.outbox import Outbox
from common.notifications.webhook import Event, Pusher
from common.settings import ServiceSettings

log = structlog.get_logger("notifications")

NOTIFICATIONS = Counter(
    "wellbeing_notifications_total",
    "Notification deliveries by outcome: inboxed, pushed, retried, undelivered (gave up).",
    ["service", "outcome"],
)
PUSH_DELAY = Histogram(
    "wellbeing_notification_push_delay_seconds",
    "From the event's due time to the push gateway's 2xx.",
    ["service"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 30, 300, 3600, 86400),
)

Connect = Callable[[], AbstractAsyncContextManager[asyncpg.Connection]]


@dataclass(frozen=True)
class Retry:
    base_seconds: float
    cap_seconds: float
    give_up_after: timedelta
    lease: timedelta

    @staticmethod
    def of(settings: ServiceSettings) -> Retry:
        return Retry(
            base_seconds=settings.notify_retry_base_seconds,
            cap_seconds=settings.notify_retry_cap_seconds,
            give_up_after=timedelta(hours=settings.notify_give_up_hours),
            lease=timedelta(seconds=settings.notify_webhook_timeout_seconds + 30),
        )

    def delay(self, attempts: int) -> timedelta:
        """Exponential with full jitter in its upper half: base·2^(n−1)·[0.5, 1), capped."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** min(attempts - 1, 30))
        return timedelta(seconds=ceiling * (0.5 + random.random() / 2))


class Dispatcher:
    def __init__(
        self,
        *,
        service: str,
        outbox: Outbox,
        inbox: Table,
        retry: Retry,
        batch: int,
        pusher: Pusher | None,
    ) -> None:
        self.service = service
        self.outbox = outbox
        self.pusher = pusher
        self.retry = retry
        self.batch = batch
        out = f'"{outbox.table.schema}"."{outbox.table.name}"'
        into = f'"{inbox.schema}"."{inbox.name}"'
        # one statement: claim due rows (skipping those another replica holds), mark them, and
        # insert them into the inbox; the unique event_id refuses any second delivery
        self._to_inbox = (
            f"WITH due AS (SELECT id FROM {out} WHERE inboxed_at IS NULL AND due_at <= $1"
            "  ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED),"
            f" moved AS (UPDATE {out} o SET inboxed_at = $1,"
            "  push_state = CASE WHEN $3 THEN o.push_state ELSE 'skipped' END"
            "  FROM due WHERE o.id = due.id"
            "  RETURNING o.event_id, o.recipient_sub, o.kind, o.subject, o.params, o.due_at)"
            f" INSERT INTO {into} (event_id, recipient_sub, kind, subject, params, at)"
            " SELECT event_id, recipient_sub, kind, subject, params, due_at FROM moved"
            " ON CONFLICT (event_id) DO NOTHING"
        )
        self._claim = (
            f"WITH due AS (SELECT id FROM {out} WHERE push_state = 'pending'"
            "  AND inboxed_at IS NOT NULL AND push_next_at <= $1"
            "  ORDER BY push_next_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
            f" UPDATE {out} o SET push_next_at = $3, push_attempts = o.push_attempts + 1"
            " FROM due WHERE o.id = due.id"
            " RETURNING o.id, o.event_id::text, o.kind, o.recipient_sub, o.subject,"
            " o.params::text, o.occurred_at, o.due_at, o.push_attempts"
        )
        self._delivered = (
            f"UPDATE {out} SET push_state = 'delivered', push_done_at = $2, push_last_error = NULL"
            " WHERE id = ANY($1::bigint[])"
        )
        self._again = (
            f"UPDATE {out} o SET push_next_at = r.next_at, push_last_error = r.error"
            " FROM unnest($1::bigint[], $2::timestamptz[], $3::text[]) AS r(id, next_at, error)"
            " WHERE o.id = r.id"
        )
        self._failed = (
            f"UPDATE {out} o SET push_state = 'failed', push_done_at = $3,"
            " push_last_error = r.error"
            " FROM unnest($1::bigint[], $2::text[]) AS r(id, error) WHERE o.id = r.id"
        )

    async def to_inbox(self, conn: asyncpg.Connection, now: datetime) -> int:
        """Moves due events into the inbox (one batch); returns how many."""
        # one statement, so atomic on its own: claimed, marked and inboxed together or not at all
        status: str = await conn.execute(self._to_inbox, now, self.batch, self.pusher is not None)
        moved = int(status.rsplit(" ", 1)[-1])
        if moved:
            NOTIFICATIONS.labels(self.service, "inboxed").inc(moved)
        return moved

    async def push(self, connect: Connect, now: datetime) -> int:
        """Claims one batch of due pushes, POSTs them concurrently, records each outcome;
        returns how many were claimed."""
        if self.pusher is None:
            return 0
        async with connect() as conn:  # one statement: the claim commits before any POST
            claimed = await conn.fetch(self._claim, now, self.batch, now + self.retry.lease)
        if not claimed:
            return 0
        pusher = self.pusher
        events = [
            Event(
                event_id=r["event_id"],
                kind=r["kind"],
                recipient_sub=r["recipient_sub"],
                subject=r["subject"],
                params=orjson.loads(r["params"]),
                occurred_at=r["occurred_at"],
            )
            for r in claimed
        ]
        sent = await asyncio.gather(
            *(pusher.send(e, self.outbox.catalog) for e in events), return_exceptions=True
        )
        # a push that failed in our own code is retried like one the receiver refused
        outcomes: list[str | None] = []
        for outcome in sent:
            if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
                raise outcome  # cancelled: the lease hands the batch to the next round
            outcomes.append(type(outcome).__name__ if isinstance(outcome, Exception) else outcome)
        done: list[int] = []
        again: tuple[list[int], list[datetime], list[str]] = ([], [], [])
        failed: tuple[list[int], list[str]] = ([], [])
        wall = utc_now()
        for row, error in zip(claimed, outcomes, strict=True):
            if error is None:
                done.append(row["id"])
                PUSH_DELAY.labels(self.service).observe(
                    max(0.0, (wall - row["due_at"]).total_seconds())
                )
                continue
            next_at = push_release(
                now + self.retry.delay(row["push_attempts"]),
                urgent=self.outbox.catalog[row["kind"]].urgent
                if row["kind"] in self.outbox.catalog
                else False,
            )
            if next_at - row["due_at"] > self.retry.give_up_after:
                failed[0].append(row["id"])
                failed[1].append(error)
            else:
                again[0].append(row["id"])
                again[1].append(next_at)
                again[2].append(error)
        async with connect() as conn:  # each outcome stands alone: a lost one is retried later
            if done:
                await conn.execute(self._delivered, done, now)
            if again[0]:
                await conn.execute(self._again, *again)
            if failed[0]:
                await conn.execute(self._failed, *failed, now)
        for outcome, count in (
            ("pushed", len(done)),
            ("retried", len(again[0])),
            ("undelivered", len(failed[0])),
        ):
            if count:
                NOTIFICATIONS.labels(self.service, outcome).inc(count)
        if failed[0]:
            log.warning("notifications_undelivered", count=len(failed[0]))
        return len(claimed)

    async def run_once(self, connect: Connect, now: datetime) -> int:
        """Everything due now: inbox batches until none is left, then push batches."""
        total = 0
        while True:
            async with connect() as conn:
                moved = await self.to_inbox(conn, now)
            total += moved
            if moved < self.batch:
                break
        while (claimed := await self.push(connect, now)) == self.batch:
            total += claimed
        return total + claimed
