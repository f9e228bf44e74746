"""Childcare tables, all in the `childcare` schema."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from common.db import service_metadata
from common.geo import Earth
from common.idempotency import idempotency_table

SCHEMA = "childcare"


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


idempotency_key = idempotency_table(Base.metadata)


class Institution(Base):
    __tablename__ = "institution"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('employer','kindergarten_class','community','private','home_based')",
            name="kind",
        ),
        CheckConstraint("demonstration_level IN ('regional','city')", name="demonstration_level"),
        CheckConstraint("capacity >= 0", name="capacity_non_negative"),
        CheckConstraint("enrolled >= 0 AND offered >= 0", name="counts_non_negative"),
        CheckConstraint("enrolled + offered <= capacity", name="within_capacity"),
        CheckConstraint(
            "min_age_months >= 0 AND min_age_months <= max_age_months AND max_age_months <= 36",
            name="age_range",
        ),
        CheckConstraint("monthly_fee_fen >= 0", name="fee_non_negative"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="coordinates"),
        Index("ix_institution_earth_loc", "earth_loc", postgresql_using="gist"),
        Index(
            "ix_institution_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "public.gin_trgm_ops"},
        ),
        Index("ix_institution_district_id", "district", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float] = mapped_column(Double)
    lon: Mapped[float] = mapped_column(Double)
    earth_loc: Mapped[object] = mapped_column(
        Earth(), Computed("public.ll_to_earth(lat, lon)", persisted=True)
    )
    kind: Mapped[str] = mapped_column(String(30))
    inclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    public_owned: Mapped[bool] = mapped_column(Boolean, default=False)
    demonstration_level: Mapped[str | None] = mapped_column(String(10))
    demonstration_year: Mapped[int | None] = mapped_column(SmallInteger)
    capacity: Mapped[int] = mapped_column(Integer)
    enrolled: Mapped[int] = mapped_column(Integer, default=0)
    offered: Mapped[int] = mapped_column(Integer, default=0)
    monthly_fee_fen: Mapped[int] = mapped_column(Integer)
    min_age_months: Mapped[int] = mapped_column(SmallInteger)
    max_age_months: Mapped[int] = mapped_column(SmallInteger)
    opening_hours: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30))
    vacancies_as_of: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Child(Base):
    """A child registered by a guardian. The national ID is kept only as keyed hash + mask."""

    __tablename__ = "child"
    __table_args__ = (
        UniqueConstraint("id_number_hash", name="uq_child_id_number_hash"),
        UniqueConstraint("guardian_sub", "name", "birth_date", name="uq_child_guardian_name_birth"),
        Index("ix_child_guardian_sub_id", "guardian_sub", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    guardian_sub: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(50))
    birth_date: Mapped[date] = mapped_column(Date)
    id_number_hash: Mapped[str | None] = mapped_column(String(64))
    id_number_masked: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


ACTIVE_STATUSES = ("waitlisted", "offered", "enrolled")


class Enrollment(Base):
    """An application of one child to one institution and where it stands.

    FIFO order on the waitlist is the order of `id` (assigned on arrival); positions are
    computed, so they move up by themselves when someone ahead leaves.
    """

    __tablename__ = "enrollment"
    __table_args__ = (
        CheckConstraint(
            "status IN ('enrolled','waitlisted','offered','declined','withdrawn','expired')",
            name="status",
        ),
        CheckConstraint(
            "(status = 'offered') = (offer_expires_at IS NOT NULL)", name="offer_has_expiry"
        ),
        # one active application per child and institution; one enrolled place per child
        Index(
            "uq_enrollment_active_child_institution",
            "child_id",
            "institution_id",
            unique=True,
            postgresql_where=text("status IN ('waitlisted','offered','enrolled')"),
        ),
        Index(
            "uq_enrollment_one_place_per_child",
            "child_id",
            unique=True,
            postgresql_where=text("status = 'enrolled'"),
        ),
        Index(
            "ix_enrollment_waitlist",
            "institution_id",
            "id",
            postgresql_where=text("status = 'waitlisted'"),
        ),
        Index(
            "ix_enrollment_offer_expiry",
            "offer_expires_at",
            postgresql_where=text("status = 'offered'"),
        ),
        Index("ix_enrollment_guardian_sub_id", "guardian_sub", "id"),
        Index("ix_enrollment_institution_status", "institution_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    child_id: Mapped[int] = mapped_column(ForeignKey(Child.id, ondelete="RESTRICT"))
    institution_id: Mapped[int] = mapped_column(ForeignKey(Institution.id, ondelete="RESTRICT"))
    guardian_sub: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))
    start_date: Mapped[date] = mapped_column(Date)
    offer_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    status_changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class DistrictPopulation(Base):
    """Reference data the city updates: residents per 旗县区, for slots per 1,000 residents."""

    __tablename__ = "district_population"

    district: Mapped[str] = mapped_column(String(20), primary_key=True)
    population: Mapped[int] = mapped_column(
        Integer, CheckConstraint("population > 0", name="population_positive")
    )
    source: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class CapacityPlan(Base):
    __tablename__ = "capacity_plan"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(200))
    target_institutions: Mapped[int] = mapped_column(Integer)
    target_slots: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PlanProject(Base):
    """One institution to build or expand under a plan: planned → under_construction → opened."""

    __tablename__ = "plan_project"
    __table_args__ = (
        CheckConstraint("category IN ('public','community','private')", name="category"),
        CheckConstraint("status IN ('planned','under_construction','opened')", name="status"),
        CheckConstraint(
            "kind IN ('employer','kindergarten_class','community','private','home_based')",
            name="kind",
        ),
        CheckConstraint("planned_slots > 0", name="planned_slots_positive"),
        CheckConstraint(
            "(status = 'opened') = (institution_id IS NOT NULL)", name="opened_has_institution"
        ),
        Index("ix_plan_project_plan_year_id", "plan_year", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    plan_year: Mapped[int] = mapped_column(ForeignKey(CapacityPlan.year, ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float] = mapped_column(Double)
    lon: Mapped[float] = mapped_column(Double)
    category: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(30))
    inclusive: Mapped[bool] = mapped_column(Boolean, default=True)
    planned_slots: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey(Institution.id, ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class AccessAudit(Base):
    """Append-only record of staff reads of personal data: who, what, when, why; no values."""

    __tablename__ = "access_audit"
    __table_args__ = (Index("ix_access_audit_at", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    actor_sub: Mapped[str] = mapped_column(String(200))
    actor_roles: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    resource: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
