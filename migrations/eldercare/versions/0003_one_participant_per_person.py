"""one participant key per person: a registration for an elder who has a citizen account is keyed
`citizen:<sub>`, as that person's own registrations are, so the partial UNIQUE index on
(activity, participant) holds one seat per person however they were registered

Rows that would collide with an active registration of the same person under the new key (the
double seats this revision stops) keep their old key; staff see them as two registrations and
may cancel one. The downgrade restores `elder:<id>` keys and loses nothing; a registration whose
`elder:<id>` key an active registration of the same elder holds already keeps its citizen key.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 19:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = "('registered', 'waitlisted')"


def _rekey(key: str, source: str, condition: str) -> str:
    """Sets each registration's participant to `key`, except an active one whose new key an
    active registration of the same activity holds already (it would take a second seat)."""
    return f"""
UPDATE eldercare.activity_registration AS r
   SET participant = {key}
  {source}
 WHERE {condition}
   AND r.participant <> {key}
   AND NOT (
       r.status IN {ACTIVE}
       AND EXISTS (
           SELECT 1 FROM eldercare.activity_registration AS o
            WHERE o.activity_id = r.activity_id
              AND o.participant = {key}
              AND o.status IN {ACTIVE}
       )
   )
"""


UPGRADE = _rekey(
    "'citizen:' || e.subject_sub",
    "FROM eldercare.elder AS e",
    "r.elder_id = e.id AND e.subject_sub IS NOT NULL",
)
DOWNGRADE = _rekey("'elder:' || r.elder_id", "", "r.elder_id IS NOT NULL")


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
