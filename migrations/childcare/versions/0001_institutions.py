"""institutions

Revision ID: 0001
Revises:
Create Date: 2026-11-28 18:36:29.572082
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
        schema="childcare",
    )
    op.create_table(
        "institution",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column(
            "earth_loc",
            common.geo.Earth(),
            sa.Computed("public.ll_to_earth(lat, lon)", persisted=True),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("inclusive", sa.Boolean(), nullable=False),
        sa.Column("public_owned", sa.Boolean(), nullable=False),
        sa.Column("demonstration_level", sa.String(length=10), nullable=True),
        sa.Column("demonstration_year", sa.SmallInteger(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("enrolled", sa.Integer(), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("monthly_fee_fen", sa.Integer(), nullable=False),
        sa.Column("min_age_months", sa.SmallInteger(), nullable=False),
        sa.Column("max_age_months", sa.SmallInteger(), nullable=False),
        sa.Column("opening_hours", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column(
            "vacancies_as_of",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "demonstration_level IN ('regional','city')",
            name=op.f("ck_institution_demonstration_level"),
        ),
        sa.CheckConstraint(
            "kind IN ('employer','kindergarten_class','community','private','home_based')",
            name=op.f("ck_institution_kind"),
        ),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_institution_capacity_non_negative")),
        sa.CheckConstraint(
            "enrolled + offered <= capacity", name=op.f("ck_institution_within_capacity")
        ),
        sa.CheckConstraint(
            "enrolled >= 0 AND offered >= 0", name=op.f("ck_institution_counts_non_negative")
        ),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180",
            name=op.f("ck_institution_coordinates"),
        ),
        sa.CheckConstraint(
            "min_age_months >= 0 AND min_age_months <= max_age_months AND max_age_months <= 36",
            name=op.f("ck_institution_age_range"),
        ),
        sa.CheckConstraint("monthly_fee_fen >= 0", name=op.f("ck_institution_fee_non_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution")),
        schema="childcare",
    )
    op.create_index(
        "ix_institution_district_id",
        "institution",
        ["district", "id"],
        unique=False,
        schema="childcare",
    )
    op.create_index(
        "ix_institution_earth_loc",
        "institution",
        ["earth_loc"],
        unique=False,
        schema="childcare",
        postgresql_using="gist",
    )
    op.create_index(
        "ix_institution_name_trgm",
        "institution",
        ["name"],
        unique=False,
        schema="childcare",
        postgresql_using="gin",
        postgresql_ops={"name": "public.gin_trgm_ops"},
    )


DROPPED = ("institution", "idempotency_key")

downgrade_loss = rows_of("childcare", DROPPED)


def downgrade() -> None:
    op.drop_index(
        "ix_institution_name_trgm",
        table_name="institution",
        schema="childcare",
        postgresql_using="gin",
        postgresql_ops={"name": "public.gin_trgm_ops"},
    )
    op.drop_index(
        "ix_institution_earth_loc",
        table_name="institution",
        schema="childcare",
        postgresql_using="gist",
    )
    op.drop_index("ix_institution_district_id", table_name="institution", schema="childcare")
    op.drop_table("institution", schema="childcare")
    op.drop_table("idempotency_key", schema="childcare")
