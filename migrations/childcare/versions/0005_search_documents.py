"""search documents: institutions found by one or two characters, pinyin and initials (issue 16
§4): a tsvector column kept by the application (common/search.py), GIN-indexed, backfilled here

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

from common.search import backfill

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "childcare"
# table → its searched texts, the name first (services/childcare/models.py)
SEARCHED = {"institution": ("name",)}
STATISTICS = 1000
# no `downgrade_loss`: a step down loses nothing (the documents are computed from the rows and
# recomputed on upgrade)


def upgrade() -> None:
    for table, texts in SEARCHED.items():
        op.add_column(table, sa.Column("search", TSVECTOR(), nullable=True), schema=S)
        backfill(op.get_bind(), f"{S}.{table}", texts)
        op.alter_column(table, "search", nullable=False, schema=S)
        # ANALYZE keeps the frequency of 10x more lexemes: a common name (会计) is estimated
        # as common, so the planner walks the id order instead of sorting every match
        op.execute(f"ALTER TABLE {S}.{table} ALTER COLUMN search SET STATISTICS {STATISTICS}")
        op.create_index(f"ix_{table}_search", table, ["search"], schema=S, postgresql_using="gin")


def downgrade() -> None:
    for table in SEARCHED:
        op.drop_index(f"ix_{table}_search", table_name=table, schema=S)
        op.drop_column(table, "search", schema=S)
