"""The two tables every service keeps in its own schema: the outbox (one row per event and
recipient, with its delivery state) and the inbox (what the person reads)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

PUSH_STATES = ("pending", "delivered", "failed", "skipped")


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "notification_outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        # the CloudEvent id and `webhook-id`: the same on every retry, so receivers de-duplicate
        Column("event_id", Uuid, nullable=False, server_default=func.gen_random_uuid()),
        Column("kind", String(60), nullable=False),
        Column("recipient_sub", String(200), nullable=False),
        Column("subject", String(100), nullable=False),  # the record, e.g. `enrollment/12`
        Column("params", JSONB, nullable=False),  # what the text shows, nothing more
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("due_at", DateTime(timezone=True), nullable=False),  # a reminder's moment
        # a reminder fires once: its key is unique
        Column("dedupe_key", String(200)),
        Column("inboxed_at", DateTime(timezone=True)),
        Column("push_state", String(10), nullable=False, server_default="pending"),
        Column("push_attempts", Integer, nullable=False, server_default="0"),
        Column("push_next_at", DateTime(timezone=True)),
        Column("push_done_at", DateTime(timezone=True)),
        Column("push_last_error", String(200)),
        CheckConstraint(
            "push_state IN (" + ",".join(f"'{s}'" for s in PUSH_STATES) + ")", name="push_state"
        ),
        Index("uq_notification_outbox_event_id", "event_id", unique=True),
        Index(
            "uq_notification_outbox_dedupe_key",
            "dedupe_key",
            unique=True,
            postgresql_where=text("dedupe_key IS NOT NULL"),  # only reminders: a small index
        ),
        # the dispatcher's two queues, each a small partial index
        Index(
            "ix_notification_outbox_to_inbox",
            "due_at",
            "id",
            postgresql_where=text("inboxed_at IS NULL"),
        ),
        Index(
            "ix_notification_outbox_to_push",
            "push_next_at",
            postgresql_where=text("push_state = 'pending' AND inboxed_at IS NOT NULL"),
        ),
        Index(
            "ix_notification_outbox_failed",
            "id",
            postgresql_where=text("push_state = 'failed'"),
        ),
    )


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "notification_inbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", Uuid, nullable=False),
        Column("recipient_sub", String(200), nullable=False),
        Column("kind", String(60), nullable=False),
        Column("subject", String(100), nullable=False),
        Column("params", JSONB, nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),  # when it became the person's news
        Column("read_at", DateTime(timezone=True)),
        # exactly once: a second delivery of the same event is refused by the database
        Index("uq_notification_inbox_event_id", "event_id", unique=True),
        Index("ix_notification_inbox_recipient_at", "recipient_sub", "at", "id"),
        Index(
            "ix_notification_inbox_unread",
            "recipient_sub",
            postgresql_where=text("read_at IS NULL"),
        ),
    )
