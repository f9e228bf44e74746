"""Records an app needs (issue 16 §3): an institution's opening hours as a week
(`weekly_hours`, `[[weekday, opens, closes], ...]` in minutes, Asia/Shanghai), what `open_now`
is computed from. Institutions whose free-text hours read `HH:MM-HH:MM` get that span on Monday
to Friday (托育 opens on working days); others start empty (`open_now: null`) until staff set
their week.

Going down loses: every institution's weekly hours (the free-text hours stay); an upgrade
fills them again from the free-text hours, so `downgrade_loss` counts the weeks that differ.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "childcare"
# the week an institution's free-text hours give (what the upgrade writes, and what it would
# write again after a downgrade)
WEEK = """
    SELECT jsonb_agg(jsonb_build_array(d, o, c) ORDER BY d)
    FROM generate_series(1, 5) AS d,
         LATERAL (SELECT split_part(opening_hours, '-', 1) AS a,
                         split_part(opening_hours, '-', 2) AS b) AS t,
         LATERAL (SELECT split_part(a, ':', 1)::int * 60 + split_part(a, ':', 2)::int AS o,
                         split_part(b, ':', 1)::int * 60 + split_part(b, ':', 2)::int AS c) AS m
"""
READABLE = """
opening_hours ~ '^([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
  AND split_part(opening_hours, '-', 1) < split_part(opening_hours, '-', 2)
"""
BACKFILL = f"UPDATE {S}.institution SET weekly_hours = ({WEEK}) WHERE {READABLE}"
# weeks set by hand: a downgrade and an upgrade would not give them back
HAND_SET = f"""
SELECT count(*) FROM {S}.institution
WHERE weekly_hours IS DISTINCT FROM (CASE WHEN {READABLE} THEN ({WEEK}) ELSE '[]'::jsonb END)
"""


def upgrade() -> None:
    op.add_column(
        "institution",
        sa.Column(
            "weekly_hours",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        schema=S,
    )
    op.execute(BACKFILL)


def downgrade_loss(connection: Connection) -> str | None:
    hand_set = connection.scalar(sa.text(HAND_SET))
    if hand_set:
        return (
            f"the weekly hours of {hand_set} institution(s) that their free-text hours do not "
            "give back (an upgrade fills the others again)"
        )
    return None


def downgrade() -> None:
    op.drop_column("institution", "weekly_hours", schema=S)
