"""published point of home-based places, child identity across guardians, ineligible status

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

import common.geo

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "childcare"
# the published point (services/childcare/models.py), as of this revision
_STEP = "0.0017966223499820337"  # 200 m of latitude, in degrees
_SNAPPED_LAT = f"(round(lat / {_STEP}) * {_STEP})"
_LON_STEP = f"(200.0 / (111320.0 * cos(radians({_SNAPPED_LAT}))))"
PUBLIC_LAT_SQL = f"CASE WHEN kind = 'home_based' THEN {_SNAPPED_LAT} ELSE lat END"
PUBLIC_LON_SQL = (
    f"CASE WHEN kind = 'home_based' THEN (round(lon / {_LON_STEP}) * {_LON_STEP}) ELSE lon END"
)
PUBLIC_EARTH_SQL = f"public.ll_to_earth({PUBLIC_LAT_SQL}, {PUBLIC_LON_SQL})"
OLD_STATUSES = "status IN ('enrolled','waitlisted','offered','declined','withdrawn','expired')"
NEW_STATUSES = (
    "status IN ('waitlisted','offered','enrolled','declined','withdrawn','expired','ineligible')"
)


def upgrade() -> None:
    # nearby search walks the published point: drop the exact one and its index
    op.drop_index("ix_institution_earth_loc", table_name="institution", schema=S)
    op.drop_column("institution", "earth_loc", schema=S)
    op.add_column(
        "institution",
        sa.Column("public_lat", sa.Double(), sa.Computed(PUBLIC_LAT_SQL, persisted=True)),
        schema=S,
    )
    op.add_column(
        "institution",
        sa.Column("public_lon", sa.Double(), sa.Computed(PUBLIC_LON_SQL, persisted=True)),
        schema=S,
    )
    op.add_column(
        "institution",
        sa.Column(
            "earth_loc",
            common.geo.Earth(),
            sa.Computed(PUBLIC_EARTH_SQL, persisted=True),
            nullable=False,
        ),
        schema=S,
    )
    op.create_index(
        "ix_institution_earth_loc",
        "institution",
        ["earth_loc"],
        unique=False,
        schema=S,
        postgresql_using="gist",
    )

    # an ID is unique per guardian, not across guardians
    op.drop_constraint("uq_child_id_number_hash", "child", schema=S, type_="unique")
    op.create_unique_constraint(
        "uq_child_guardian_sub_id_number_hash",
        "child",
        ["guardian_sub", "id_number_hash"],
        schema=S,
    )
    op.create_index("ix_child_id_number_hash", "child", ["id_number_hash"], schema=S)

    # one enrolled place per child identity
    op.add_column("enrollment", sa.Column("child_identity", sa.String(length=80)), schema=S)
    op.execute(
        f"UPDATE {S}.enrollment e SET child_identity = "
        f"coalesce(c.id_number_hash, 'child:' || c.id) FROM {S}.child c WHERE c.id = e.child_id"
    )
    op.alter_column("enrollment", "child_identity", nullable=False, schema=S)
    op.drop_index("uq_enrollment_one_place_per_child", table_name="enrollment", schema=S)
    op.create_index(
        "uq_enrollment_one_place_per_identity",
        "enrollment",
        ["child_identity"],
        unique=True,
        schema=S,
        postgresql_where=sa.text("status = 'enrolled'"),
    )
    op.drop_constraint(op.f("ck_enrollment_status"), "enrollment", schema=S, type_="check")
    op.create_check_constraint(op.f("ck_enrollment_status"), "enrollment", NEW_STATUSES, schema=S)


def downgrade_refusal(connection: Connection) -> str | None:
    """0002 holds a national ID once across all guardians; the design lets two guardians (two
    parents) register the same child, and neither registration is ours to drop."""
    shared = connection.scalar(
        sa.text(
            f"SELECT count(*) FROM (SELECT id_number_hash FROM {S}.child "
            "WHERE id_number_hash IS NOT NULL GROUP BY id_number_hash "
            "HAVING count(DISTINCT guardian_sub) > 1) AS s"
        )
    )
    if shared:
        return (
            f"{shared} national ID(s) are each held by more than one guardian, and revision "
            "0002 allows one child record per national ID; cannot go below 0003"
        )
    return None


def downgrade_loss(connection: Connection) -> str | None:
    ineligible = connection.scalar(
        sa.text(f"SELECT count(*) FROM {S}.enrollment WHERE status = 'ineligible'")
    )
    if ineligible:
        return f"the ineligible status of {ineligible} enrollment(s) (0002 makes them withdrawn)"
    return None


def downgrade() -> None:
    if reason := downgrade_refusal(op.get_bind()):
        raise RuntimeError(reason)
    op.execute(f"UPDATE {S}.enrollment SET status = 'withdrawn' WHERE status = 'ineligible'")
    op.drop_constraint(op.f("ck_enrollment_status"), "enrollment", schema=S, type_="check")
    op.create_check_constraint(op.f("ck_enrollment_status"), "enrollment", OLD_STATUSES, schema=S)
    op.drop_index("uq_enrollment_one_place_per_identity", table_name="enrollment", schema=S)
    op.create_index(
        "uq_enrollment_one_place_per_child",
        "enrollment",
        ["child_id"],
        unique=True,
        schema=S,
        postgresql_where=sa.text("status = 'enrolled'"),
    )
    op.drop_column("enrollment", "child_identity", schema=S)
    op.drop_index("ix_child_id_number_hash", table_name="child", schema=S)
    op.drop_constraint("uq_child_guardian_sub_id_number_hash", "child", schema=S, type_="unique")
    op.create_unique_constraint("uq_child_id_number_hash", "child", ["id_number_hash"], schema=S)
    op.drop_index("ix_institution_earth_loc", table_name="institution", schema=S)
    op.drop_column("institution", "earth_loc", schema=S)
    op.drop_column("institution", "public_lon", schema=S)
    op.drop_column("institution", "public_lat", schema=S)
    op.add_column(
        "institution",
        sa.Column(
            "earth_loc",
            common.geo.Earth(),
            sa.Computed("public.ll_to_earth(lat, lon)", persisted=True),
            nullable=False,
        ),
        schema=S,
    )
    op.create_index(
        "ix_institution_earth_loc",
        "institution",
        ["earth_loc"],
        unique=False,
        schema=S,
        postgresql_using="gist",
    )
