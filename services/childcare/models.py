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
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from common.audit import access_audit_table
from common.db import service_metadata, values_of
from common.geo import Earth, snapped_point_sql
from common.idempotency import idempotency_table
from common.notifications.tables import inbox_table, outbox_table
from common.search import computed_on_insert, recomputed_on_update
from services.childcare.values import EnrollmentStatus, ProjectStatus

SCHEMA = "childcare"


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


idempotency_key = idempotency_table(Base.metadata)
access_audit = access_audit_table(Base.metadata)
notification_outbox = outbox_table(Base.metadata)
notification_inbox = inbox_table(Base.metadata)

# A home-based place is a family home: the public sees it only as a ~200 m area, and every
# public figure — distance, order, radius filter, cursor — is computed from that one published
# point, held by the database itself (DESIGN §3). Other institutions publish their exact point.
_SNAPPED_LAT, _SNAPPED_LON = snapped_point_sql("lat", "lon", 200.0)
PUBLIC_LAT_SQL = f"CASE WHEN kind = 'home_based' THEN {_SNAPPED_LAT} ELSE lat END"
PUBLIC_LON_SQL = f"CASE WHEN kind = 'home_based' THEN {_SNAPPED_LON} ELSE lon END"
# a generated column cannot read another one, so the published point is spelled out again here
PUBLIC_EARTH_SQL = f"public.ll_to_earth({PUBLIC_LAT_SQL}, {PUBLIC_LON_SQL})"

INSTITUTION_SEARCHED = ("name",)


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
        Index("ix_institution_search", "search", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float] = mapped_column(Double)
    lon: Mapped[float] = mapped_column(Double)
    public_lat: Mapped[float] = mapped_column(Double, Computed(PUBLIC_LAT_SQL, persisted=True))
    public_lon: Mapped[float] = mapped_column(Double, Computed(PUBLIC_LON_SQL, persisted=True))
    # the published point on the earth, GiST-indexed: what nearby search walks
    earth_loc: Mapped[object] = mapped_column(Earth(), Computed(PUBLIC_EARTH_SQL, persisted=True))
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
    # the same hours as a week, [[weekday, opens, closes], ...] (common.opening_hours): what
    # `open_now` is computed from; empty when not given
    weekly_hours: Mapped[list[list[int]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    phone: Mapped[str] = mapped_column(String(30))
    vacancies_as_of: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # the search document of the name (common/search.py), GIN-indexed, kept by the application
    search: Mapped[str] = mapped_column(TSVECTOR, default=computed_on_insert(INSTITUTION_SEARCHED))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


recomputed_on_update(Institution, "search", INSTITUTION_SEARCHED)


class Child(Base):
    """A child registered by a guardian. The national ID is kept only as keyed hash + mask.

    An ID is unique per guardian; another guardian may register the same ID (a second parent,
    or a mistake) and is told nothing: staff see the records as suspected duplicates, and the
    child, by ID, never holds two places (`Enrollment.child_identity`)."""

    __tablename__ = "child"
    __table_args__ = (
        UniqueConstraint(
            "guardian_sub", "id_number_hash", name="uq_child_guardian_sub_id_number_hash"
        ),
        Index("ix_child_id_number_hash", "id_number_hash"),
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


def child_identity(child_id: int, id_number_hash: str | None) -> str:
    """Who the child is across guardians: the ID's keyed hash, else the record itself."""
    return id_number_hash or f"child:{child_id}"


class Enrollment(Base):
    """An application of one child to one institution and where it stands.

    FIFO order on the waitlist is the order of `id` (assigned on arrival); positions are
    computed, so they move up by themselves when someone ahead leaves.
    """

    __tablename__ = "enrollment"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ",".join(f"'{s}'" for s in values_of(EnrollmentStatus)) + ")",
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
        # one enrolled place per child, by identity: two guardians' records of one ID included
        Index(
            "uq_enrollment_one_place_per_identity",
            "child_identity",
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
    child_identity: Mapped[str] = mapped_column(String(80))
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
        CheckConstraint(
            "status IN (" + ",".join(f"'{s}'" for s in values_of(ProjectStatus)) + ")",
            name="status",
        ),
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
