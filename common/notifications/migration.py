"""The notification tables as migration 0006 of every service creates them (frozen here: a later
change to the tables is a new revision, not an edit of this)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


def upgrade_0006(schema: str) -> None:
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "event_id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False
        ),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("recipient_sub", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("inboxed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("push_state", sa.String(length=10), server_default="pending", nullable=False),
        sa.Column("push_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("push_next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("push_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("push_last_error", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "push_state IN ('pending','delivered','failed','skipped')",
            name=op.f("ck_notification_outbox_push_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_outbox")),
        schema=schema,
    )
    outbox = "notification_outbox"
    op.create_index(
        "uq_notification_outbox_event_id", outbox, ["event_id"], unique=True, schema=schema
    )
    op.create_index(
        "uq_notification_outbox_dedupe_key",
        outbox,
        ["dedupe_key"],
        unique=True,
        postgresql_where=sa.text("dedupe_key IS NOT NULL"),
        schema=schema,
    )
    op.create_index(
        "ix_notification_outbox_to_inbox",
        outbox,
        ["due_at", "id"],
        postgresql_where=sa.text("inboxed_at IS NULL"),
        schema=schema,
    )
    op.create_index(
        "ix_notification_outbox_to_push",
        outbox,
        ["push_next_at"],
        postgresql_where=sa.text("push_state = 'pending' AND inboxed_at IS NOT NULL"),
        schema=schema,
    )
    op.create_index(
        "ix_notification_outbox_failed",
        outbox,
        ["id"],
        postgresql_where=sa.text("push_state = 'failed'"),
        schema=schema,
    )
    op.create_table(
        "notification_inbox",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_sub", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_inbox")),
        schema=schema,
    )
    inbox = "notification_inbox"
    op.create_index(
        "uq_notification_inbox_event_id", inbox, ["event_id"], unique=True, schema=schema
    )
    op.create_index(
        "ix_notification_inbox_recipient_at",
        inbox,
        ["recipient_sub", "at", "id"],
        schema=schema,
    )
    op.create_index(
        "ix_notification_inbox_unread",
        inbox,
        ["recipient_sub"],
        postgresql_where=sa.text("read_at IS NULL"),
        schema=schema,
    )


def downgrade_0006(schema: str) -> None:
    """Loses every notice, read or not, and every event not yet delivered."""
    op.drop_table("notification_inbox", schema=schema)
    op.drop_table("notification_outbox", schema=schema)
