"""Records an app needs (issue 16 §3): an elder's address, phone and emergency contact, so
carers and renovation crews can visit and call (sensitive: masked in lists, full to the elder,
linked family and staff); a facility's opening hours as a week (`weekly_hours`,
`[[weekday, opens, closes], ...]` in minutes, Asia/Shanghai), what `open_now` is computed from.
Facilities whose free-text hours read `HH:MM-HH:MM[,HH:MM-HH:MM…]` get them on every day (an
elder university on Monday to Friday); others start empty (`open_now: null`).

Going down loses: every elder's address, phone and emergency contact; facilities' weekly hours
(the free-text hours stay, and an upgrade fills the week again from them). `downgrade_loss`
counts both, so `wellbeing migrate` asks for `--allow-data-loss` before it drops them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:50:00
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
# the week a facility's free-text hours give (what the upgrade writes, and what it would write
# again after a downgrade)
WEEK = """
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
"""
READABLE = f"f.opening_hours ~ '^{SPAN}(,{SPAN})*$'"
BACKFILL = f"UPDATE {S}.facility AS f SET weekly_hours = ({WEEK}) WHERE {READABLE}"
# weeks set by hand: a downgrade and an upgrade would not give them back
HAND_SET = f"""
SELECT count(*) FROM {S}.facility AS f
WHERE f.weekly_hours IS DISTINCT FROM (CASE WHEN {READABLE} THEN ({WEEK}) ELSE '[]'::jsonb END)
"""
CONTACTS = f"""
SELECT count(*) FROM {S}.elder
WHERE address IS NOT NULL OR phone IS NOT NULL OR emergency_contact_name IS NOT NULL
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


def downgrade_loss(connection: Connection) -> str | None:
    """Personal data a downgrade drops (the elder's own contact details), and weeks set by
    hand."""
    lost = []
    if contacts := connection.scalar(sa.text(CONTACTS)):
        lost.append(f"the address, phone or emergency contact of {contacts} elder(s)")
    if hand_set := connection.scalar(sa.text(HAND_SET)):
        lost.append(
            f"the weekly hours of {hand_set} facility(ies) that their free-text hours do not "
            "give back (an upgrade fills the others again)"
        )
    return "; ".join(lost) or None


def downgrade() -> None:
    op.drop_column("facility", "weekly_hours", schema=S)
    op.drop_constraint(op.f("ck_elder_emergency_contact_whole"), "elder", schema=S, type_="check")
    for name, _ in reversed(COLUMNS):
        op.drop_column("elder", name, schema=S)
