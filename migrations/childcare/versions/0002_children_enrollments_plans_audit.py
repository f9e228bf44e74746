"""children enrollments plans audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 18:39:13.704201
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

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
        schema="childcare",
    )
    op.create_index("ix_access_audit_at", "access_audit", ["at"], unique=False, schema="childcare")
    op.create_table(
        "capacity_plan",
        sa.Column("year", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("target_institutions", sa.Integer(), nullable=False),
        sa.Column("target_slots", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_capacity_plan")),
        schema="childcare",
    )
    op.create_table(
        "child",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("guardian_sub", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=True),
        sa.Column("id_number_masked", sa.String(length=20), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child")),
        sa.UniqueConstraint(
            "guardian_sub", "name", "birth_date", name="uq_child_guardian_name_birth"
        ),
        sa.UniqueConstraint("id_number_hash", name="uq_child_id_number_hash"),
        schema="childcare",
    )
    op.create_index(
        "ix_child_guardian_sub_id",
        "child",
        ["guardian_sub", "id"],
        unique=False,
        schema="childcare",
    )
    op.create_table(
        "district_population",
        sa.Column("district", sa.String(length=20), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("district", name=op.f("pk_district_population")),
        schema="childcare",
    )
    op.create_table(
        "enrollment",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("child_id", sa.BigInteger(), nullable=False),
        sa.Column("institution_id", sa.BigInteger(), nullable=False),
        sa.Column("guardian_sub", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "applied_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "status_changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(status = 'offered') = (offer_expires_at IS NOT NULL)",
            name=op.f("ck_enrollment_offer_has_expiry"),
        ),
        sa.CheckConstraint(
            "status IN ('enrolled','waitlisted','offered','declined','withdrawn','expired')",
            name=op.f("ck_enrollment_status"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["childcare.child.id"],
            name=op.f("fk_enrollment_child_id_child"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["childcare.institution.id"],
            name=op.f("fk_enrollment_institution_id_institution"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment")),
        schema="childcare",
    )
    op.create_index(
        "ix_enrollment_guardian_sub_id",
        "enrollment",
        ["guardian_sub", "id"],
        unique=False,
        schema="childcare",
    )
    op.create_index(
        "ix_enrollment_institution_status",
        "enrollment",
        ["institution_id", "status"],
        unique=False,
        schema="childcare",
    )
    op.create_index(
        "ix_enrollment_offer_expiry",
        "enrollment",
        ["offer_expires_at"],
        unique=False,
        schema="childcare",
        postgresql_where=sa.text("status = 'offered'"),
    )
    op.create_index(
        "ix_enrollment_waitlist",
        "enrollment",
        ["institution_id", "id"],
        unique=False,
        schema="childcare",
        postgresql_where=sa.text("status = 'waitlisted'"),
    )
    op.create_index(
        "uq_enrollment_active_child_institution",
        "enrollment",
        ["child_id", "institution_id"],
        unique=True,
        schema="childcare",
        postgresql_where=sa.text("status IN ('waitlisted','offered','enrolled')"),
    )
    op.create_index(
        "uq_enrollment_one_place_per_child",
        "enrollment",
        ["child_id"],
        unique=True,
        schema="childcare",
        postgresql_where=sa.text("status = 'enrolled'"),
    )
    op.create_table(
        "plan_project",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("plan_year", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("inclusive", sa.Boolean(), nullable=False),
        sa.Column("planned_slots", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("institution_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(status = 'opened') = (institution_id IS NOT NULL)",
            name=op.f("ck_plan_project_opened_has_institution"),
        ),
        sa.CheckConstraint(
            "category IN ('public','community','private')", name=op.f("ck_plan_project_category")
        ),
        sa.CheckConstraint(
            "kind IN ('employer','kindergarten_class','community','private','home_based')",
            name=op.f("ck_plan_project_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('planned','under_construction','opened')",
            name=op.f("ck_plan_project_status"),
        ),
        sa.CheckConstraint(
            "planned_slots > 0", name=op.f("ck_plan_project_planned_slots_positive")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["childcare.institution.id"],
            name=op.f("fk_plan_project_institution_id_institution"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_year"],
            ["childcare.capacity_plan.year"],
            name=op.f("fk_plan_project_plan_year_capacity_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_project")),
        schema="childcare",
    )
    op.create_index(
        "ix_plan_project_plan_year_id",
        "plan_project",
        ["plan_year", "id"],
        unique=False,
        schema="childcare",
    )


DROPPED = (
    "plan_project",
    "enrollment",
    "district_population",
    "child",
    "capacity_plan",
    "access_audit",
)

downgrade_loss = rows_of("childcare", DROPPED)


def downgrade() -> None:
    op.drop_index("ix_plan_project_plan_year_id", table_name="plan_project", schema="childcare")
    op.drop_table("plan_project", schema="childcare")
    op.drop_index(
        "uq_enrollment_one_place_per_child",
        table_name="enrollment",
        schema="childcare",
        postgresql_where=sa.text("status = 'enrolled'"),
    )
    op.drop_index(
        "uq_enrollment_active_child_institution",
        table_name="enrollment",
        schema="childcare",
        postgresql_where=sa.text("status IN ('waitlisted','offered','enrolled')"),
    )
    op.drop_index(
        "ix_enrollment_waitlist",
        table_name="enrollment",
        schema="childcare",
        postgresql_where=sa.text("status = 'waitlisted'"),
    )
    op.drop_index(
        "ix_enrollment_offer_expiry",
        table_name="enrollment",
        schema="childcare",
        postgresql_where=sa.text("status = 'offered'"),
    )
    op.drop_index("ix_enrollment_institution_status", table_name="enrollment", schema="childcare")
    op.drop_index("ix_enrollment_guardian_sub_id", table_name="enrollment", schema="childcare")
    op.drop_table("enrollment", schema="childcare")
    op.drop_table("district_population", schema="childcare")
    op.drop_index("ix_child_guardian_sub_id", table_name="child", schema="childcare")
    op.drop_table("child", schema="childcare")
    op.drop_table("capacity_plan", schema="childcare")
    op.drop_index("ix_access_audit_at", table_name="access_audit", schema="childcare")
    op.drop_table("access_audit", schema="childcare")
