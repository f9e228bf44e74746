"""Records an app needs (issue 16 §3): an elder's address, phone and emergency contact, so
carers and renovation crews can visit and call (sensitive: masked in lists, full to the elder,
linked family and staff); a facility's opening hours as a week (`weekly_hours`,
`[[weekday, opens, closes], ...]` in minutes, Asia/Shanghai), what `open_now` is computed from.
Facilities whose free-text hours read `HH:MM-HH:MM[,HH:MM-HH:MM…]` get them on every day (an
elder university on Monday to Friday); others start empty (`open_now: null`).

Going down loses: every elder's address, phone and emergency contact; facilities' weekly hours
(the free-text hours stay).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "eldercare"
COLUMNS = (
    ("address", 300),
    ("phone", 30),
    ("emergency_contact_name", 50),
    ("emergency_contact_phone", 30),
    ("emergency_contact_relation", 20),
)
EMERGENCY_CONTACT_WHOLE = (
    "(emergency_contact_name IS NULL) = (emergency_contact_phone IS NULL) AND "
    "(emergency_contact_name IS NOT NULL OR emergency_contact_relation IS NULL)"
)
SPAN = r"([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)"
BACKFILL = rf"""
UPDATE {S}.facility AS f SET weekly_hours = (
    SELECT coalesce(jsonb_agg(jsonb_build_array(d, m.o, m.c) ORDER BY d, m.o), '[]'::jsonb)
    FROM generate_series(1, CASE WHEN f.kind = 'elder_university' THEN 5 ELSE 7 END) AS d,
         unnest(string_to_array(f.opening_hours, ',')) AS span,
         LATERAL (
             SELECT split_part(split_part(span, '-', 1), ':', 1)::int * 60
                        + split_part(split_part(span, '-', 1), ':', 2)::int AS o,
                    split_part(split_part(span, '-', 2), ':', 1)::int * 60
                        + split_part(split_part(span, '-', 2), ':', 2)::int AS c
         ) AS m
    WHERE m.o < m.c
)
WHERE f.opening_hours ~ '^{SPAN}(,{SPAN})*$'
"""


def upgrade() -> None:
    for name, length in COLUMNS:
        op.add_column("elder", sa.Column(name, sa.String(length), nullable=True), schema=S)
    op.create_check_constraint(
        op.f("ck_elder_emergency_contact_whole"), "elder", EMERGENCY_CONTACT_WHOLE, schema=S
    )
    op.add_column(
        "facility",
        sa.Column(
            "weekly_hours",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        schema=S,
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_column("facility", "weekly_hours", schema=S)
    op.drop_constraint(op.f("ck_elder_emergency_contact_whole"), "elder", schema=S, type_="check")
    for name, _ in reversed(COLUMNS):
        op.drop_column("elder", name, schema=S)
