"""Records an app needs (issue 16 §3): a citizen withdraws an undecided application
(`withdrawn`, which like `rejected` no longer counts as their application to the programme); a
posting says whom to ask, how to apply and where the work is (address and map point); a fair
has its venue as a map point.

Going down loses: withdrawn applications become `rejected` (the status that also frees the
citizen to apply again), their decision note saying so; postings' contacts, ways to apply,
addresses and points; fairs' points. `downgrade_loss` counts them, so `wellbeing migrate` asks
for `--allow-data-loss` before it drops them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "jobs"
OLD_STATUSES = "status IN ('pending','approved','rejected','disbursed')"
NEW_STATUSES = "status IN ('pending','approved','rejected','disbursed','withdrawn')"
OLD_ONE_PER_CITIZEN = "single_award AND status <> 'rejected'"
NEW_ONE_PER_CITIZEN = "single_award AND status NOT IN ('rejected','withdrawn')"
POSTING_TEXTS = (
    ("contact_name", 50),
    ("contact_phone", 30),
    ("contact_email", 200),
    ("how_to_apply", 500),
    ("apply_url", 500),
    ("address", 300),
)
POINT_WHOLE = "(lat IS NULL) = (lon IS NULL)"
POSTING_HELD = " OR ".join(f"{name} IS NOT NULL" for name, _ in (*POSTING_TEXTS, ("lat", 0)))


def _add_point(table: str) -> None:
    for name in ("lat", "lon"):
        op.add_column(table, sa.Column(name, sa.Double(), nullable=True), schema=S)
    op.create_check_constraint(op.f(f"ck_{table}_point_whole"), table, POINT_WHOLE, schema=S)


def _drop_point(table: str) -> None:
    op.drop_constraint(op.f(f"ck_{table}_point_whole"), table, schema=S, type_="check")
    for name in ("lon", "lat"):
        op.drop_column(table, name, schema=S)


def _statuses(check: str, one_per_citizen: str) -> None:
    op.drop_constraint(op.f("ck_application_status"), "application", schema=S, type_="check")
    op.create_check_constraint(op.f("ck_application_status"), "application", check, schema=S)
    op.drop_index("uq_application_one_per_citizen", table_name="application", schema=S)
    op.create_index(
        "uq_application_one_per_citizen",
        "application",
        ["programme_id", "citizen_sub"],
        unique=True,
        schema=S,
        postgresql_where=sa.text(one_per_citizen),
    )


def upgrade() -> None:
    _statuses(NEW_STATUSES, NEW_ONE_PER_CITIZEN)
    for name, length in POSTING_TEXTS:
        op.add_column("posting", sa.Column(name, sa.String(length), nullable=True), schema=S)
    _add_point("posting")
    _add_point("fair")


def downgrade_loss(connection: Connection) -> str | None:
    def count(table: str, condition: str) -> int:
        sql = f"SELECT count(*) FROM {S}.{table} WHERE {condition}"
        return int(connection.scalar(sa.text(sql)) or 0)

    lost = []
    if withdrawn := count("application", "status = 'withdrawn'"):
        lost.append(
            f"the withdrawn status of {withdrawn} application(s) (0003 makes them rejected, "
            "their decision note saying they were withdrawn)"
        )
    if postings := count("posting", POSTING_HELD):
        lost.append(f"the contact, way to apply, address or map point of {postings} posting(s)")
    if fairs := count("fair", "lat IS NOT NULL"):
        lost.append(f"the map point of {fairs} fair(s)")
    return "; ".join(lost) or None


def downgrade() -> None:
    _drop_point("fair")
    _drop_point("posting")
    for name, _ in reversed(POSTING_TEXTS):
        op.drop_column("posting", name, schema=S)
    op.execute(
        f"UPDATE {S}.application SET status = 'rejected', "
        "decision_note = 'withdrawn by the applicant' WHERE status = 'withdrawn'"
    )
    _statuses(OLD_STATUSES, OLD_ONE_PER_CITIZEN)
