"""Jobs tables, all in the `jobs` schema.

Opening hours are rows, not a JSON blob, so `open_now` is one indexed SQL condition that
keyset pagination can page through. Times are minutes after local midnight (Asia/Shanghai),
0–1440: `closes = 1440` means "until midnight", and a night shift past midnight is two rows
(one on each weekday), so `opens < closes` always holds and no row wraps around.

Every limit is a counter on its parent row backed by a CHECK — fair seats (`registered <=
capacity`) and programme budgets (`committed_fen <= budget_fen`) — moved by one conditional
UPDATE; every "once" is a UNIQUE (partial) index.
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
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from common.audit import access_audit_table
from common.db import service_metadata, values_of
from common.geo import Earth
from common.idempotency import idempotency_table
from common.notifications.tables import inbox_table, outbox_table
from common.search import computed_on_insert, recomputed_on_update
from services.jobs.values import (
    CLOSED_STATUSES,
    ApplicationStatus,
    PostingStatus,
    RegistrationStatus,
)

SCHEMA = "jobs"

AMENITIES = (
    "hot_water",
    "phone_charging",
    "rest_area",
    "restroom",
    "microwave",
    "first_aid",
    "fitness",
    "recreation",
    "wifi",
    "air_conditioning",
    "ebike_charging",
    "book_corner",
)
OPERATOR_KINDS = ("community", "street_office", "trade_union", "enterprise")
WORKER_TYPES = ("courier", "food_delivery", "truck_driver", "ride_hailing", "other")
EDUCATION_LEVELS = (
    "none",
    "high_school",
    "vocational",
    "associate",
    "bachelor",
    "master",
    "doctorate",
)
POSTING_CATEGORIES = (
    "technology",
    "manufacturing",
    "sales_marketing",
    "finance",
    "education",
    "healthcare",
    "logistics",
    "hospitality",
    "public_service",
    "agriculture_food",
    "energy",
    "construction",
    "administration",
    "other",
)
DEGREES = ("associate", "bachelor", "master", "doctorate")
RETENTIONS = ("stayed", "returned", "came")
EMPLOYMENT_STATUSES = (
    "employed",
    "self_employed",
    "starting_business",
    "seeking",
    "further_study",
)
PROGRAMME_KINDS = (
    "rent_subsidy",
    "home_purchase_subsidy",
    "startup_loan",
    "startup_subsidy",
    "tech_startup_grant",
    "other",
)
AWARD_KINDS = ("fixed", "up_to")


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


idempotency_key = idempotency_table(Base.metadata)
access_audit = access_audit_table(Base.metadata)
notification_outbox = outbox_table(Base.metadata)
notification_inbox = inbox_table(Base.metadata)


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({','.join(repr(v) for v in values)})"


def _trgm(name: str, column: str) -> Index:
    # pg_trgm's GIN index serves ILIKE '%…%' (partial Chinese names and titles)
    return Index(
        name, column, postgresql_using="gin", postgresql_ops={column: "public.gin_trgm_ops"}
    )


# --- Red Bee Stations ------------------------------------------------------------------------


class Station(Base):
    """A Red Bee Station (红蜂驿站): a rest stop for couriers, riders and drivers."""

    __tablename__ = "station"
    __table_args__ = (
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="coordinates"),
        CheckConstraint(
            "amenities <@ ARRAY[" + ",".join(repr(a) for a in AMENITIES) + "]::varchar[]",
            name="amenities_known",
        ),
        CheckConstraint(_in_list("operator_kind", OPERATOR_KINDS), name="operator_kind"),
        Index("ix_station_earth_loc", "earth_loc", postgresql_using="gist"),
        Index("ix_station_amenities", "amenities", postgresql_using="gin"),
        Index("ix_station_district_id", "district", "id"),
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
    amenities: Mapped[list[str]] = mapped_column(ARRAY(String(30)))
    operator: Mapped[str] = mapped_column(String(200))
    operator_kind: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    hours: Mapped[list[StationHours]] = relationship(
        lazy="raise", order_by="(StationHours.weekday, StationHours.opens)"
    )
    exceptions: Mapped[list[StationException]] = relationship(
        lazy="raise", order_by="StationException.on_date"
    )


class StationHours(Base):
    """One regular opening interval on one ISO weekday (1 = Monday … 7 = Sunday)."""

    __tablename__ = "station_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 1 AND 7", name="weekday"),
        CheckConstraint("opens >= 0 AND opens < closes AND closes <= 1440", name="interval"),
        Index("ix_station_hours_station_id_weekday", "station_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    station_id: Mapped[int] = mapped_column(ForeignKey(Station.id, ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    opens: Mapped[int] = mapped_column(SmallInteger)
    closes: Mapped[int] = mapped_column(SmallInteger)


class StationException(Base):
    """A date whose hours replace the weekly schedule: a holiday closure or special hours.

    The UNIQUE (station_id, on_date) index is also the index of `station_id` lookups."""

    __tablename__ = "station_exception"
    __table_args__ = (
        UniqueConstraint("station_id", "on_date", name="uq_station_exception_station_id_on_date"),
        CheckConstraint(
            "(closed AND opens IS NULL AND closes IS NULL) OR "
            "(NOT closed AND opens >= 0 AND opens < closes AND closes <= 1440)",
            name="hours",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    station_id: Mapped[int] = mapped_column(ForeignKey(Station.id, ondelete="CASCADE"))
    on_date: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean)
    opens: Mapped[int | None] = mapped_column(SmallInteger)
    closes: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(String(200))


class StationCheckIn(Base):
    """An anonymous visit to a station by a worker of one type: no person is recorded."""

    __tablename__ = "station_check_in"
    __table_args__ = (
        CheckConstraint(_in_list("worker_type", WORKER_TYPES), name="worker_type"),
        Index("ix_station_check_in_station_id_checked_in_at", "station_id", "checked_in_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    station_id: Mapped[int] = mapped_column(ForeignKey(Station.id, ondelete="CASCADE"))
    worker_type: Mapped[str] = mapped_column(String(20))
    checked_in_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- job postings and fairs --------------------------------------------------------------------


POSTING_SEARCHED = ("title", "employer")  # the name first: it ranks


class Posting(Base):
    """A job posting. Search shows open postings until `expires_at`."""

    __tablename__ = "posting"
    __table_args__ = (
        CheckConstraint(_in_list("category", POSTING_CATEGORIES), name="category"),
        CheckConstraint(_in_list("education", EDUCATION_LEVELS), name="education"),
        CheckConstraint(_in_list("status", values_of(PostingStatus)), name="status"),
        CheckConstraint(
            "salary_min_fen >= 0 AND salary_min_fen <= salary_max_fen", name="salary_range"
        ),
        CheckConstraint("openings >= 1", name="openings_positive"),
        CheckConstraint("expires_at > posted_at", name="expires_after_posted"),
        CheckConstraint("(lat IS NULL) = (lon IS NULL)", name="point_whole"),
        _trgm("ix_posting_title_trgm", "title"),
        _trgm("ix_posting_employer_trgm", "employer"),
        Index("ix_posting_district_id", "district", "id"),
        Index("ix_posting_expires_at", "expires_at"),
        Index("ix_posting_search", "search", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    employer: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    district: Mapped[str] = mapped_column(String(20))
    salary_min_fen: Mapped[int] = mapped_column(Integer)
    salary_max_fen: Mapped[int] = mapped_column(Integer)
    education: Mapped[str] = mapped_column(String(20))
    graduate_friendly: Mapped[bool] = mapped_column(Boolean)
    openings: Mapped[int] = mapped_column(Integer, default=1)
    description: Mapped[str | None] = mapped_column(String(2000))
    # what a seeker needs to act on a posting: whom to ask, how to apply, where the work is
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    how_to_apply: Mapped[str | None] = mapped_column(String(500))
    apply_url: Mapped[str | None] = mapped_column(String(500))
    address: Mapped[str | None] = mapped_column(String(300))
    lat: Mapped[float | None] = mapped_column(Double)
    lon: Mapped[float | None] = mapped_column(Double)
    status: Mapped[str] = mapped_column(String(10), default="open")
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the search document of title and employer (common/search.py), GIN-indexed, kept by the
    # application
    search: Mapped[str] = mapped_column(TSVECTOR, default=computed_on_insert(POSTING_SEARCHED))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


recomputed_on_update(Posting, "search", POSTING_SEARCHED)


class PostingNameKey(Base):
    """The name keys of a posting's search document (common/name_keys.py): what a search's
    first two ranks read, newest first. Written only by the triggers migration 0007 creates
    (no foreign key: the delete trigger removes a posting's keys by their primary key)."""

    __tablename__ = "posting_name_key"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    posting_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class Fair(Base):
    """A job fair. `registered` counts the seats taken; it never passes `capacity`."""

    __tablename__ = "fair"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_non_negative"),
        CheckConstraint("registered >= 0 AND registered <= capacity", name="within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("(lat IS NULL) = (lon IS NULL)", name="point_whole"),
        Index("ix_fair_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(2000))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    venue: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(20))
    # the venue as a map point (a map app shows the way)
    lat: Mapped[float | None] = mapped_column(Double)
    lon: Mapped[float | None] = mapped_column(Double)
    capacity: Mapped[int] = mapped_column(Integer)
    registered: Mapped[int] = mapped_column(Integer, default=0)
    # [{"employer": str, "positions": [{"title": str, "openings": int}]}]: read and replaced
    # whole with the fair, never queried inside
    employers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class FairRegistration(Base):
    """A citizen's seat at a fair; at most one `registered` row per citizen and fair."""

    __tablename__ = "fair_registration"
    __table_args__ = (
        CheckConstraint(_in_list("status", values_of(RegistrationStatus)), name="status"),
        CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_stamped"
        ),
        Index(
            "uq_fair_registration_one_seat",
            "fair_id",
            "citizen_sub",
            unique=True,
            postgresql_where=text("status = 'registered'"),
        ),
        Index("ix_fair_registration_citizen_sub_id", "citizen_sub", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey(Fair.id, ondelete="CASCADE"))
    citizen_sub: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- graduate retention ----------------------------------------------------------------------


class Graduate(Base):
    """A citizen's registration in the retention programme (十万大学生留呼工程), once each."""

    __tablename__ = "graduate"
    __table_args__ = (
        UniqueConstraint("citizen_sub", name="uq_graduate_citizen_sub"),
        CheckConstraint(_in_list("degree", DEGREES), name="degree"),
        CheckConstraint(_in_list("retention", RETENTIONS), name="retention"),
        CheckConstraint(_in_list("employment_status", EMPLOYMENT_STATUSES), name="employment"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    citizen_sub: Mapped[str] = mapped_column(String(200))
    university: Mapped[str] = mapped_column(String(200))
    degree: Mapped[str] = mapped_column(String(20))
    graduation_date: Mapped[date] = mapped_column(Date)
    retention: Mapped[str] = mapped_column(String(10))
    employment_status: Mapped[str] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(20))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # every change moves the statistics' `as_of` (and so their ETag)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class RetentionAggregate(Base):
    """A reported count of retained graduates from before registrations were recorded one by
    one (e.g. the 31,700+ of end-November 2022): one row per year, district and kind."""

    __tablename__ = "retention_aggregate"
    __table_args__ = (
        UniqueConstraint("year", "district", "retention", name="uq_retention_aggregate_key"),
        CheckConstraint(_in_list("retention", RETENTIONS), name="retention"),
        CheckConstraint("graduates >= 0", name="graduates_non_negative"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    district: Mapped[str] = mapped_column(String(20))
    retention: Mapped[str] = mapped_column(String(10))
    graduates: Mapped[int] = mapped_column(Integer)
    as_of_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))


# --- support programmes and applications -----------------------------------------------------


class Programme(Base):
    """A support programme: eligibility rules held as data, an award, a budget.

    `committed_fen` is the sum of approved and disbursed amounts; it moves only by a
    conditional UPDATE, and the CHECK keeps it within the budget whatever the concurrency."""

    __tablename__ = "programme"
    __table_args__ = (
        CheckConstraint(_in_list("kind", PROGRAMME_KINDS), name="kind"),
        CheckConstraint(_in_list("award_kind", AWARD_KINDS), name="award_kind"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("committed_fen >= 0 AND committed_fen <= budget_fen", name="within_budget"),
        CheckConstraint(
            "disbursed_fen >= 0 AND disbursed_fen <= committed_fen", name="disbursed_committed"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str | None] = mapped_column(String(2000))
    award_kind: Mapped[str] = mapped_column(String(10))
    # the award of a `fixed` programme, the cap of an `up_to` one
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    committed_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    disbursed_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    allows_multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    # [{"id", "fact", "op", "value", "reason": {"zh", "en"}}] (programmes/rules.py)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Application(Base):
    """A citizen's application to a programme, with the facts and rule results it was judged
    on (a later change of the rules does not rewrite them)."""

    __tablename__ = "application"
    __table_args__ = (
        CheckConstraint(_in_list("status", values_of(ApplicationStatus)), name="status"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint(
            "(status = 'disbursed') = (payment_reference IS NOT NULL) AND "
            "(payment_reference IS NULL) = (disbursed_at IS NULL)",
            name="paid_once",
        ),
        UniqueConstraint("payment_reference", name="uq_application_payment_reference"),
        # one award per citizen and programme unless the programme allows more; a rejected or
        # withdrawn application does not count, so the citizen may apply again
        Index(
            "uq_application_one_per_citizen",
            "programme_id",
            "citizen_sub",
            unique=True,
            postgresql_where=text(
                "single_award AND status NOT IN ("
                + ",".join(f"'{s}'" for s in CLOSED_STATUSES)
                + ")"
            ),
        ),
        Index("ix_application_citizen_sub_id", "citizen_sub", "id"),
        Index("ix_application_programme_id_status", "programme_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey(Programme.id))
    citizen_sub: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    district: Mapped[str | None] = mapped_column(String(20))
    facts: Mapped[dict[str, Any]] = mapped_column(JSONB)
    rule_results: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    # copied from the programme when the application is made (a partial index cannot look
    # at another table)
    single_award: Mapped[bool] = mapped_column(Boolean)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_note: Mapped[str | None] = mapped_column(String(500))
    disbursed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    payment_reference: Mapped[str | None] = mapped_column(String(40))
