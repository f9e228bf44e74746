"""Records an app needs (issue 16 §3): an elder's address, phone and emergency contact, so
carers and renovation crews can visit and call (sensitive: masked in lists, full to the elder,
linked family and staff).

Going down loses: every elder's address, phone and emergency contact.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

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


def upgrade() -> None:
    for name, length in COLUMNS:
        op.add_column("elder", sa.Column(name, sa.String(length), nullable=True), schema=S)
    op.create_check_constraint(
        op.f("ck_elder_emergency_contact_whole"), "elder", EMERGENCY_CONTACT_WHOLE, schema=S
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_elder_emergency_contact_whole"), "elder", schema=S, type_="check")
    for name, _ in reversed(COLUMNS):
        op.drop_column("elder", name, schema=S)
