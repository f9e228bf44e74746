"""stations

Revision ID: 0001
Revises:
Create Date: 2026-11-28 18:47:32.881012
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
        schema="jobs",
    )
    op.create_table(
        "station",
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
        sa.Column("amenities", postgresql.ARRAY(sa.String(length=30)), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("operator_kind", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=True),
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
            "amenities <@ ARRAY['hot_water','phone_charging','rest_area','restroom','microwave',"
            "'first_aid','fitness','recreation','wifi','air_conditioning','ebike_charging',"
            "'book_corner']::varchar[]",
            name=op.f("ck_station_amenities_known"),
        ),
        sa.CheckConstraint(
            "operator_kind IN ('community','street_office','trade_union','enterprise')",
            name=op.f("ck_station_operator_kind"),
        ),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180",
            name=op.f("ck_station_coordinates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station")),
        schema="jobs",
    )
    op.create_index(
        "ix_station_amenities",
        "station",
        ["amenities"],
        unique=False,
        schema="jobs",
        postgresql_using="gin",
    )
    op.create_index(
        "ix_station_district_id", "station", ["district", "id"], unique=False, schema="jobs"
    )
    op.create_index(
        "ix_station_earth_loc",
        "station",
        ["earth_loc"],
        unique=False,
        schema="jobs",
        postgresql_using="gist",
    )
    op.create_table(
        "station_exception",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("station_id", sa.BigInteger(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("opens", sa.SmallInteger(), nullable=True),
        sa.Column("closes", sa.SmallInteger(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "(closed AND opens IS NULL AND closes IS NULL) OR "
            "(NOT closed AND opens >= 0 AND opens < closes AND closes <= 1440)",
            name=op.f("ck_station_exception_hours"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["jobs.station.id"],
            name=op.f("fk_station_exception_station_id_station"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_exception")),
        sa.UniqueConstraint(
            "station_id", "on_date", name="uq_station_exception_station_id_on_date"
        ),
        schema="jobs",
    )
    op.create_table(
        "station_hours",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("station_id", sa.BigInteger(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("opens", sa.SmallInteger(), nullable=False),
        sa.Column("closes", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "opens >= 0 AND opens < closes AND closes <= 1440",
            name=op.f("ck_station_hours_interval"),
        ),
        sa.CheckConstraint("weekday BETWEEN 1 AND 7", name=op.f("ck_station_hours_weekday")),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["jobs.station.id"],
            name=op.f("fk_station_hours_station_id_station"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_hours")),
        schema="jobs",
    )
    op.create_index(
        "ix_station_hours_station_id_weekday",
        "station_hours",
        ["station_id", "weekday"],
        unique=False,
        schema="jobs",
    )


DROPPED = ("station_hours", "station_exception", "station", "idempotency_key")

downgrade_loss = rows_of("jobs", DROPPED)


def downgrade() -> None:
    op.drop_index("ix_station_hours_station_id_weekday", table_name="station_hours", schema="jobs")
    op.drop_table("station_hours", schema="jobs")
    op.drop_table("station_exception", schema="jobs")
    op.drop_index(
        "ix_station_earth_loc", table_name="station", schema="jobs", postgresql_using="gist"
    )
    op.drop_index("ix_station_district_id", table_name="station", schema="jobs")
    op.drop_index(
        "ix_station_amenities", table_name="station", schema="jobs", postgresql_using="gin"
    )
    op.drop_table("station", schema="jobs")
    op.drop_table("idempotency_key", schema="jobs")
