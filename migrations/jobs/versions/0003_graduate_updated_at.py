"""graduate.updated_at: a change of a registration (employment, district) moves the statistics'
`as_of` and their ETag, as a new registration does; existing rows start at their registration

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "jobs"


def upgrade() -> None:
    op.add_column(
        "graduate",
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        schema=S,
    )
    op.execute("UPDATE jobs.graduate SET updated_at = registered_at")


def downgrade_loss(connection: Connection) -> str | None:
    changed = connection.scalar(
        sa.text(f"SELECT count(*) FROM {S}.graduate WHERE updated_at <> registered_at")
    )
    if changed:
        return (
            f"the last-change time of {changed} graduate registration(s) "
            "(an upgrade sets it back to their registration time)"
        )
    return None


def downgrade() -> None:
    op.drop_column("graduate", "updated_at", schema=S)
