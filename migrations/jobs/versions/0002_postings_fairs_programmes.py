"""postings, fairs, graduates, programmes, applications, check-ins, access audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from common.migrations import rows_of

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_audit",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("actor_sub", sa.String(length=200), nullable=False),
        sa.Column("actor_roles", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("resource", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_audit")),
        schema="jobs",
    )
    op.create_index("ix_access_audit_at", "access_audit", ["at"], unique=False, schema="jobs")
    op.create_table(
        "fair",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("district", sa.String(length=20), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("registered", sa.Integer(), nullable=False),
        sa.Column("employers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
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
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_fair_capacity_non_negative")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_fair_ends_after_start")),
        sa.CheckConstraint(
            "registered >= 0 AND registered <= capacity", name=op.f("ck_fair_within_capacity")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair")),
        schema="jobs",
    )
    op.create_index("ix_fair_starts_at", "fair", ["starts_at"], unique=False, schema="jobs")
    op.create_table(
        "graduate",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("citizen_sub", sa.String(length=200), nullable=False),
        sa.Column("university", sa.String(length=200), nullable=False),
        sa.Column("degree", sa.String(length=20), nullable=False),
        sa.Column("graduation_date", sa.Date(), nullable=False),
        sa.Column("retention", sa.String(length=10), nullable=False),
        sa.Column("employment_status", sa.String(length=20), nullable=False),
        sa.Column("district", sa.String(length=20), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "degree IN ('associate','bachelor','master','doctorate')",
            name=op.f("ck_graduate_degree"),
        ),
        sa.CheckConstraint(
            "employment_status IN ('employed','self_employed','starting_business',"
            "'seeking','further_study')",
            name=op.f("ck_graduate_employment"),
        ),
        sa.CheckConstraint(
            "retention IN ('stayed','returned','came')", name=op.f("ck_graduate_retention")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graduate")),
        sa.UniqueConstraint("citizen_sub", name="uq_graduate_citizen_sub"),
        schema="jobs",
    )
    op.create_table(
        "posting",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("employer", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("district", sa.String(length=20), nullable=False),
        sa.Column("salary_min_fen", sa.Integer(), nullable=False),
        sa.Column("salary_max_fen", sa.Integer(), nullable=False),
        sa.Column("education", sa.String(length=20), nullable=False),
        sa.Column("graduate_friendly", sa.Boolean(), nullable=False),
        sa.Column("openings", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
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
            "category IN ('technology','manufacturing','sales_marketing','finance',"
            "'education','healthcare','logistics','hospitality','public_service',"
            "'agriculture_food','energy','construction','administration','other')",
            name=op.f("ck_posting_category"),
        ),
        sa.CheckConstraint(
            "education IN ('none','high_school','vocational','associate',"
            "'bachelor','master','doctorate')",
            name=op.f("ck_posting_education"),
        ),
        sa.CheckConstraint("status IN ('open','closed')", name=op.f("ck_posting_status")),
        sa.CheckConstraint("expires_at > posted_at", name=op.f("ck_posting_expires_after_posted")),
        sa.CheckConstraint("openings >= 1", name=op.f("ck_posting_openings_positive")),
        sa.CheckConstraint(
            "salary_min_fen >= 0 AND salary_min_fen <= salary_max_fen",
            name=op.f("ck_posting_salary_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting")),
        schema="jobs",
    )
    op.create_index(
        "ix_posting_district_id", "posting", ["district", "id"], unique=False, schema="jobs"
    )
    op.create_index(
        "ix_posting_employer_trgm",
        "posting",
        ["employer"],
        unique=False,
        schema="jobs",
        postgresql_using="gin",
        postgresql_ops={"employer": "public.gin_trgm_ops"},
    )
    op.create_index("ix_posting_expires_at", "posting", ["expires_at"], unique=False, schema="jobs")
    op.create_index(
        "ix_posting_title_trgm",
        "posting",
        ["title"],
        unique=False,
        schema="jobs",
        postgresql_using="gin",
        postgresql_ops={"title": "public.gin_trgm_ops"},
    )
    op.create_table(
        "programme",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("award_kind", sa.String(length=10), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("committed_fen", sa.BigInteger(), nullable=False),
        sa.Column("disbursed_fen", sa.BigInteger(), nullable=False),
        sa.Column("allows_multiple", sa.Boolean(), nullable=False),
        sa.Column("rules", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
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
        sa.CheckConstraint("award_kind IN ('fixed','up_to')", name=op.f("ck_programme_award_kind")),
        sa.CheckConstraint(
            "kind IN ('rent_subsidy','home_purchase_subsidy','startup_loan',"
            "'startup_subsidy','tech_startup_grant','other')",
            name=op.f("ck_programme_kind"),
        ),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_programme_amount_positive")),
        sa.CheckConstraint(
            "committed_fen >= 0 AND committed_fen <= budget_fen",
            name=op.f("ck_programme_within_budget"),
        ),
        sa.CheckConstraint(
            "disbursed_fen >= 0 AND disbursed_fen <= committed_fen",
            name=op.f("ck_programme_disbursed_committed"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
        schema="jobs",
    )
    op.create_table(
        "retention_aggregate",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("district", sa.String(length=20), nullable=False),
        sa.Column("retention", sa.String(length=10), nullable=False),
        sa.Column("graduates", sa.Integer(), nullable=False),
        sa.Column("as_of_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.CheckConstraint(
            "retention IN ('stayed','returned','came')",
            name=op.f("ck_retention_aggregate_retention"),
        ),
        sa.CheckConstraint(
            "graduates >= 0", name=op.f("ck_retention_aggregate_graduates_non_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_aggregate")),
        sa.UniqueConstraint("year", "district", "retention", name="uq_retention_aggregate_key"),
        schema="jobs",
    )
    op.create_table(
        "application",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.BigInteger(), nullable=False),
        sa.Column("citizen_sub", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("district", sa.String(length=20), nullable=True),
        sa.Column("facts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rule_results", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("single_award", sa.Boolean(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.Column("disbursed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payment_reference", sa.String(length=40), nullable=True),
        sa.CheckConstraint(
            "(status = 'disbursed') = (payment_reference IS NOT NULL) AND "
            "(payment_reference IS NULL) = (disbursed_at IS NULL)",
            name=op.f("ck_application_paid_once"),
        ),
        sa.CheckConstraint(
            "status IN ('pending','approved','rejected','disbursed')",
            name=op.f("ck_application_status"),
        ),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_application_amount_positive")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["jobs.programme.id"],
            name=op.f("fk_application_programme_id_programme"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint("payment_reference", name="uq_application_payment_reference"),
        schema="jobs",
    )
    op.create_index(
        "ix_application_citizen_sub_id",
        "application",
        ["citizen_sub", "id"],
        unique=False,
        schema="jobs",
    )
    op.create_index(
        "ix_application_programme_id_status",
        "application",
        ["programme_id", "status"],
        unique=False,
        schema="jobs",
    )
    op.create_index(
        "uq_application_one_per_citizen",
        "application",
        ["programme_id", "citizen_sub"],
        unique=True,
        schema="jobs",
        postgresql_where=sa.text("single_award AND status <> 'rejected'"),
    )
    op.create_table(
        "fair_registration",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("fair_id", sa.BigInteger(), nullable=False),
        sa.Column("citizen_sub", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)",
            name=op.f("ck_fair_registration_cancelled_stamped"),
        ),
        sa.CheckConstraint(
            "status IN ('registered','cancelled')", name=op.f("ck_fair_registration_status")
        ),
        sa.ForeignKeyConstraint(
            ["fair_id"],
            ["jobs.fair.id"],
            name=op.f("fk_fair_registration_fair_id_fair"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_registration")),
        schema="jobs",
    )
    op.create_index(
        "ix_fair_registration_citizen_sub_id",
        "fair_registration",
        ["citizen_sub", "id"],
        unique=False,
        schema="jobs",
    )
    op.create_index(
        "uq_fair_registration_one_seat",
        "fair_registration",
        ["fair_id", "citizen_sub"],
        unique=True,
        schema="jobs",
        postgresql_where=sa.text("status = 'registered'"),
    )
    op.create_table(
        "station_check_in",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("station_id", sa.BigInteger(), nullable=False),
        sa.Column("worker_type", sa.String(length=20), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "worker_type IN ('courier','food_delivery','truck_driver','ride_hailing','other')",
            name=op.f("ck_station_check_in_worker_type"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["jobs.station.id"],
            name=op.f("fk_station_check_in_station_id_station"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_check_in")),
        schema="jobs",
    )
    op.create_index(
        "ix_station_check_in_station_id_checked_in_at",
        "station_check_in",
        ["station_id", "checked_in_at"],
        unique=False,
        schema="jobs",
    )


DROPPED = (
    "station_check_in",
    "fair_registration",
    "application",
    "retention_aggregate",
    "programme",
    "posting",
    "graduate",
    "fair",
    "access_audit",
)

downgrade_loss = rows_of("jobs", DROPPED)


def downgrade() -> None:
    op.drop_index(
        "ix_station_check_in_station_id_checked_in_at", table_name="station_check_in", schema="jobs"
    )
    op.drop_table("station_check_in", schema="jobs")
    op.drop_index(
        "uq_fair_registration_one_seat",
        table_name="fair_registration",
        schema="jobs",
        postgresql_where=sa.text("status = 'registered'"),
    )
    op.drop_index(
        "ix_fair_registration_citizen_sub_id", table_name="fair_registration", schema="jobs"
    )
    op.drop_table("fair_registration", schema="jobs")
    op.drop_index(
        "uq_application_one_per_citizen",
        table_name="application",
        schema="jobs",
        postgresql_where=sa.text("single_award AND status <> 'rejected'"),
    )
    op.drop_index("ix_application_programme_id_status", table_name="application", schema="jobs")
    op.drop_index("ix_application_citizen_sub_id", table_name="application", schema="jobs")
    op.drop_table("application", schema="jobs")
    op.drop_table("retention_aggregate", schema="jobs")
    op.drop_table("programme", schema="jobs")
    op.drop_index(
        "ix_posting_title_trgm",
        table_name="posting",
        schema="jobs",
        postgresql_using="gin",
        postgresql_ops={"title": "public.gin_trgm_ops"},
    )
    op.drop_index("ix_posting_expires_at", table_name="posting", schema="jobs")
    op.drop_index(
        "ix_posting_employer_trgm",
        table_name="posting",
        schema="jobs",
        postgresql_using="gin",
        postgresql_ops={"employer": "public.gin_trgm_ops"},
    )
    op.drop_index("ix_posting_district_id", table_name="posting", schema="jobs")
    op.drop_table("posting", schema="jobs")
    op.drop_table("graduate", schema="jobs")
    op.drop_index("ix_fair_starts_at", table_name="fair", schema="jobs")
    op.drop_table("fair", schema="jobs")
    op.drop_index("ix_access_audit_at", table_name="access_audit", schema="jobs")
    op.drop_table("access_audit", schema="jobs")
