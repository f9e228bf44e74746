"""posting name keys: a search's first two ranks (the title is the term, starts with it) read
newest first from a side table kept by triggers (common/name_keys.py, issue 16 §4)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from common.name_keys import create_sql, drop_sql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "jobs"
# no `downgrade_loss`: the keys are derived from the search documents, rebuilt on upgrade


def upgrade() -> None:
    op.create_table(
        "posting_name_key",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("posting_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", "posting_id", name="pk_posting_name_key"),
        schema=S,
    )
    for statement in create_sql(S, "posting"):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_sql(S, "posting"):
        op.execute(statement)
    op.drop_table("posting_name_key", schema=S)
