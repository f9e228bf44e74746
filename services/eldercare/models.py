"""Eldercare tables, all in the `eldercare` schema.

Counters that a limit depends on (an activity's seats and waitlist) live on the limited row and
are backed by CHECKs; statuses are checked against the one list each lifecycle uses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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
    String,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from common.audit import access_audit_table
from common.db import service_metadata, values_of
from common.geo import Earth
from common.idempotency import idempotency_table
from common.notifications.tables import inbox_table, outbox_table
from common.search import computed_on_insert, recomputed_on_update
from services.eldercare.values import (
    ACTIVITY_CATEGORIES,
    CARE_TYPES,
    FACILITY_KINDS,
    MISSED_REASONS,
    PROVIDER_CATEGORIES,
    RENOVATION_ITEMS,
    VISIT_OUTCOMES,
    ActivityStatus,
    CareStatus,
    RegistrationStatus,
    RenovationStatus,
)

SCHEMA = "eldercare"


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


def _all_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} <@ ARRAY[" + ",".join(f"'{v}'" for v in values) + "]::varchar[]"


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


idempotency_key = idempotency_table(Base.metadata)
access_audit = access_audit_table(Base.metadata)
notification_outbox = outbox_table(Base.metadata)
notification_inbox = inbox_table(Base.metadata)


class Community(Base):
    """A 社区: where elders live, with its centre point (the centre of its 15-minute circle),
    awards such as 全国示范性老年友好型社区 and the programmes it runs."""

    __tablename__ = "community"
    __table_args__ = (
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="coordinates"),
        Index("ix_community_earth_loc", "earth_loc", postgresql_using="gist"),
        Index("ix_community_district_id", "district", "id"),
        Index("uq_community_district_name", "district", "name", unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(20))
    street_office: Mapped[str] = mapped_column(String(100))
    lat: Mapped[float] = mapped_column(Double)
    lon: Mapped[float] = mapped_column(Double)
    earth_loc: Mapped[object] = mapped_column(
        Earth(), Computed("public.ll_to_earth(lat, lon)", persisted=True)
    )
    # [{"title": ..., "year": ..., "note": ...}]: few, read whole, never queried inside
    awards: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, server_default=text("'[]'::jsonb"), default=list
    )
    # [{"name": ..., "description": ..., "categories": [...]}]
    programmes: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, server_default=text("'[]'::jsonb"), default=list
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


FACILITY_SEARCHED = ("name",)
ACTIVITY_SEARCHED = ("title",)


class Facility(Base):
    """A place elders use near home: care centres, health stations, canteens, shops, classes."""

    __tablename__ = "facility"
    __table_args__ = (
        CheckConstraint(_one_of("kind", FACILITY_KINDS), name="kind"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="coordinates"),
        Index("ix_facility_earth_loc", "earth_loc", postgresql_using="gist"),
        Index("ix_facility_community_id_id", "community_id", "id"),
        Index("ix_facility_district_id", "district", "id"),
        Index("ix_facility_search", "search", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    district: Mapped[str] = mapped_column(String(20))
    community_id: Mapped[int] = mapped_column(ForeignKey(Community.id, ondelete="RESTRICT"))
    address: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float] = mapped_column(Double)
    lon: Mapped[float] = mapped_column(Double)
    earth_loc: Mapped[object] = mapped_column(
        Earth(), Computed("public.ll_to_earth(lat, lon)", persisted=True)
    )
    phone: Mapped[str | None] = mapped_column(String(30))
    opening_hours: Mapped[str] = mapped_column(String(100))
    # the same hours as a week, [[weekday, opens, closes], ...] (common.opening_hours): what
    # `open_now` is computed from; empty when not known
    weekly_hours: Mapped[list[list[int]]] = mapped_column(
        JSONB, server_default=text("'[]'::jsonb"), default=list
    )
    services: Mapped[list[str]] = mapped_column(ARRAY(String(100)), default=list)
    # the search document of the name (common/search.py), GIN-indexed, kept by the application
    search: Mapped[str] = mapped_column(TSVECTOR, default=computed_on_insert(FACILITY_SEARCHED))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


recomputed_on_update(Facility, "search", FACILITY_SEARCHED)


class Activity(Base):
    """One session of a class or activity: a time, a place, a number of seats and a waitlist.

    `registered` and `waitlisted` count the active registrations; they change only in one
    conditional UPDATE or under this row's lock, and the CHECKs make overfilling impossible."""

    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint(_one_of("category", ACTIVITY_CATEGORIES), name="category"),
        CheckConstraint(_one_of("status", values_of(ActivityStatus)), name="status"),
        CheckConstraint("ends_at > starts_at", name="time_range"),
        CheckConstraint("registered >= 0 AND registered <= capacity", name="within_capacity"),
        CheckConstraint(
            "waitlisted >= 0 AND waitlisted <= waitlist_capacity", name="within_waitlist"
        ),
        Index("ix_activity_starts_at_id", "starts_at", "id"),
        Index("ix_activity_community_id_starts_at", "community_id", "starts_at", "id"),
        Index("ix_activity_category_starts_at", "category", "starts_at", "id"),
        Index("ix_activity_search", "search", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(1000), default="")
    community_id: Mapped[int] = mapped_column(ForeignKey(Community.id, ondelete="RESTRICT"))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey(Facility.id, ondelete="SET NULL"))
    place: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)
    registered: Mapped[int] = mapped_column(Integer, default=0)
    waitlist_capacity: Mapped[int] = mapped_column(Integer, default=0)
    waitlisted: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    # the search document of the title (common/search.py), GIN-indexed, kept by the application
    search: Mapped[str] = mapped_column(TSVECTOR, default=computed_on_insert(ACTIVITY_SEARCHED))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


recomputed_on_update(Activity, "search", ACTIVITY_SEARCHED)


class Elder(Base):
    """An elder's profile (sensitive personal data). The national ID is kept only as keyed hash
    and mask. `subject_sub` is the elder's own citizen id when the elder has an account."""

    __tablename__ = "elder"
    __table_args__ = (
        CheckConstraint("created_by_role IN ('self','family','staff')", name="created_by_role"),
        CheckConstraint(
            "created_by_role <> 'self' OR subject_sub IS NOT NULL", name="self_has_subject"
        ),
        Index(
            "uq_elder_subject_sub",
            "subject_sub",
            unique=True,
            postgresql_where=text("subject_sub IS NOT NULL"),
        ),
        Index(
            "uq_elder_creator_id_number_hash",
            "created_by_sub",
            "id_number_hash",
            unique=True,
            postgresql_where=text("id_number_hash IS NOT NULL"),
        ),
        # an emergency contact is a name with a number, or nothing
        CheckConstraint(
            "(emergency_contact_name IS NULL) = (emergency_contact_phone IS NULL) AND "
            "(emergency_contact_name IS NOT NULL OR emergency_contact_relation IS NULL)",
            name="emergency_contact_whole",
        ),
        Index("ix_elder_id_number_hash", "id_number_hash"),
        Index("ix_elder_community_id_id", "community_id", "id"),
        # the at-risk round: special groups only, by community
        Index(
            "ix_elder_special_group",
            "community_id",
            "id",
            postgresql_where=text("lives_alone OR lost_only_child"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(50))
    birth_date: Mapped[date] = mapped_column(Date)
    id_number_hash: Mapped[str | None] = mapped_column(String(64))
    id_number_masked: Mapped[str | None] = mapped_column(String(20))
    community_id: Mapped[int | None] = mapped_column(ForeignKey(Community.id, ondelete="SET NULL"))
    lives_alone: Mapped[bool] = mapped_column(Boolean, default=False)
    lost_only_child: Mapped[bool] = mapped_column(Boolean, default=False)
    care_needs: Mapped[list[str]] = mapped_column(ARRAY(String(30)), default=list)
    # where carers and renovation crews go, and whom to call (sensitive: masked in lists)
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(30))
    emergency_contact_name: Mapped[str | None] = mapped_column(String(50))
    emergency_contact_phone: Mapped[str | None] = mapped_column(String(30))
    emergency_contact_relation: Mapped[str | None] = mapped_column(String(20))
    subject_sub: Mapped[str | None] = mapped_column(String(200))
    created_by_sub: Mapped[str] = mapped_column(String(200))
    created_by_role: Mapped[str] = mapped_column(String(10))
    # the latest completed visit, kept here so the at-risk round sorts without a scan of visits
    last_visited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ElderFamily(Base):
    """A family member (a citizen id) linked to an elder: they may read the profile and act for
    the elder (register for classes, ask for care and retrofits)."""

    __tablename__ = "elder_family"
    __table_args__ = (Index("ix_elder_family_citizen_sub", "citizen_sub", "elder_id"),)

    elder_id: Mapped[int] = mapped_column(
        ForeignKey(Elder.id, ondelete="CASCADE"), primary_key=True
    )
    citizen_sub: Mapped[str] = mapped_column(String(200), primary_key=True)
    linked_by_sub: Mapped[str] = mapped_column(String(200))
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ActivityRegistration(Base):
    """A seat (or a place on the waitlist) of one participant in one activity. The participant
    is an elder profile, or the registering citizen themself (`elder_id` null). FIFO order on
    the waitlist is the order of `id`; positions are computed."""

    __tablename__ = "activity_registration"
    __table_args__ = (
        CheckConstraint(_one_of("status", values_of(RegistrationStatus)), name="status"),
        Index(
            "uq_activity_registration_active_participant",
            "activity_id",
            "participant",
            unique=True,
            postgresql_where=text("status IN ('registered','waitlisted')"),
        ),
        Index(
            "ix_activity_registration_waitlist",
            "activity_id",
            "id",
            postgresql_where=text("status = 'waitlisted'"),
        ),
        Index("ix_activity_registration_registrant_sub_id", "registrant_sub", "id"),
        Index("ix_activity_registration_elder_id_id", "elder_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey(Activity.id, ondelete="RESTRICT"))
    registrant_sub: Mapped[str] = mapped_column(String(200))
    elder_id: Mapped[int | None] = mapped_column(ForeignKey(Elder.id, ondelete="RESTRICT"))
    # who takes the seat: `elder:<id>` or `citizen:<sub>` (one active registration each)
    participant: Mapped[str] = mapped_column(String(220))
    status: Mapped[str] = mapped_column(String(12))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CareRequest(Base):
    """A request for care in the 2+X+N structure; staff assign a provider and complete it."""

    __tablename__ = "care_request"
    __table_args__ = (
        CheckConstraint(_one_of("care_type", CARE_TYPES), name="care_type"),
        CheckConstraint(_one_of("provider_category", PROVIDER_CATEGORIES), name="provider"),
        CheckConstraint(_one_of("status", values_of(CareStatus)), name="status"),
        CheckConstraint(
            "price_fen IS NULL OR (price_fen >= 0 AND provider_category = 'market')",
            name="price_only_for_market",
        ),
        CheckConstraint(
            "status = 'requested' OR status = 'cancelled' OR provider_name IS NOT NULL",
            name="assigned_has_provider",
        ),
        Index("ix_care_request_elder_id_id", "elder_id", "id"),
        Index(
            "ix_care_request_open",
            "status",
            "id",
            postgresql_where=text("status IN ('requested','assigned')"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey(Elder.id, ondelete="RESTRICT"))
    requested_by_sub: Mapped[str] = mapped_column(String(200))
    care_type: Mapped[str] = mapped_column(String(30))
    provider_category: Mapped[str] = mapped_column(String(12))
    details: Mapped[str] = mapped_column(String(500), default="")
    preferred_date: Mapped[date | None] = mapped_column(Date)
    provider_name: Mapped[str | None] = mapped_column(String(200))
    price_fen: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CareRequestEvent(Base):
    """The history of a care request: every move, who made it and when (append-only)."""

    __tablename__ = "care_request_event"
    __table_args__ = (Index("ix_care_request_event_request_id_id", "care_request_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    care_request_id: Mapped[int] = mapped_column(ForeignKey(CareRequest.id, ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor_sub: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Renovation(Base):
    """An age-friendly home retrofit (适老化改造): requested → assessed → scheduled → completed,
    with the moment of each step."""

    __tablename__ = "renovation"
    __table_args__ = (
        CheckConstraint(_one_of("status", values_of(RenovationStatus)), name="status"),
        CheckConstraint(_all_of("items", RENOVATION_ITEMS), name="items"),
        CheckConstraint("cardinality(items) >= 1", name="has_items"),
        CheckConstraint("estimated_cost_fen IS NULL OR estimated_cost_fen >= 0", name="cost"),
        CheckConstraint(
            "status NOT IN ('scheduled','completed') OR scheduled_for IS NOT NULL",
            name="scheduled_has_date",
        ),
        Index("ix_renovation_elder_id_id", "elder_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey(Elder.id, ondelete="RESTRICT"))
    requested_by_sub: Mapped[str] = mapped_column(String(200))
    items: Mapped[list[str]] = mapped_column(ARRAY(String(30)))
    details: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(12))
    estimated_cost_fen: Mapped[int | None] = mapped_column(BigInteger)
    assessment_note: Mapped[str | None] = mapped_column(String(500))
    scheduled_for: Mapped[date | None] = mapped_column(Date)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    assessed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Visit(Base):
    """A staff visit to an elder: done, or missed with the reason."""

    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint(_one_of("outcome", VISIT_OUTCOMES), name="outcome"),
        CheckConstraint(
            "(outcome = 'missed') = (missed_reason IS NOT NULL)", name="missed_has_reason"
        ),
        CheckConstraint(
            "missed_reason IS NULL OR " + _one_of("missed_reason", MISSED_REASONS),
            name="missed_reason",
        ),
        Index("ix_visit_elder_id_visited_at", "elder_id", "visited_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey(Elder.id, ondelete="RESTRICT"))
    visited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    visitor_sub: Mapped[str] = mapped_column(String(200))
    visitor_name: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(12))
    missed_reason: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
