"""facilities

Revision ID: 0001
Revises:
Create Date: 2026-11-28 19:24:55.256712
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import common.geo
from common.migrations import ensure_extensions, rows_of

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    ensure_extensions()
    op.create_table(
        "facility",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("district", sa.String(length=20), nullable=False),
        sa.Column("street_office", sa.String(length=100), nullable=False),
        sa.Column("community", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column(
            "earth_loc",
            common.geo.Earth(),
            sa.Computed("public.ll_to_earth(lat, lon)", persisted=True),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("opening_hours", sa.String(length=100), nullable=False),
        sa.Column("awards", postgresql.ARRAY(sa.String(length=200)), nullable=False),
        sa.Column("services", postgresql.ARRAY(sa.String(length=100)), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('home_care_centre','health_station','culture_sports_centre','canteen',"
            "'day_care','elder_university','pharmacy','grocery','service_platform')",
            name=op.f("ck_facility_kind"),
        ),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180",
            name=op.f("ck_facility_coordinates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility")),
        schema="eldercare",
    )
    op.create_index(
        "ix_facility_community_id",
        "facility",
        ["community", "id"],
        unique=False,
        schema="eldercare",
    )
    op.create_index(
        "ix_facility_district_id", "facility", ["district", "id"], unique=False, schema="eldercare"
    )
    op.create_index(
        "ix_facility_earth_loc",
        "facility",
        ["earth_loc"],
        unique=False,
        schema="eldercare",
        postgresql_using="gist",
    )
    op.create_table(
        "idempotency_key",
        sa.Column("principal", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=False),
        sa.Column("response_body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("principal", "key", name=op.f("pk_idempotency_key")),
        schema="eldercare",
    )


DROPPED = ("idempotency_key", "facility")

downgrade_loss = rows_of("eldercare", DROPPED)


def downgrade() -> None:
    op.drop_table("idempotency_key", schema="eldercare")
    op.drop_index(
        "ix_facility_earth_loc", table_name="facility", schema="eldercare", postgresql_using="gist"
    )
    op.drop_index("ix_facility_district_id", table_name="facility", schema="eldercare")
    op.drop_index("ix_facility_community_id", table_name="facility", schema="eldercare")
    op.drop_table("facility", schema="eldercare")
