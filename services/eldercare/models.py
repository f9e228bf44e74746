"""Eldercare tables, all in the `eldercare` schema."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Computed, DateTime, Double, Index, String, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from common.db import service_metadata
from common.geo import Earth
from common.idempotency import idempotency_table

SCHEMA = "eldercare"

FACILITY_KINDS = (
    "home_care_centre",
    "health_station",
    "culture_sports_centre",
    "canteen",
    "day_care",
    "elder_university",
    "pharmacy",
    "grocery",
    "service_platform",
)


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


idempotency_key = idempotency_table(Base.metadata)


class Facility(Base):
    """A place elders use near home: care centres, health stations, canteens, shops, classes."""

    __tablename__ = "facility"
    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ",".join(f"'{k}'" for k in FACILITY_KINDS) + ")", name="kind"
        ),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="coordinates"),
        Index("ix_facility_earth_loc", "earth_loc", postgresql_using="gist"),
        Index("ix_facility_community_id", "community", "id"),
        Index("ix_facility_district_id", "district", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    district: Mapped[str] = mapped_column(String(20))
    street_office: Mapped[str] = mapped_column(String(100))
    community: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float] = mapped_column(Double)
    lon: Mapped[float] = mapped_column(Double)
    earth_loc: Mapped[object] = mapped_column(
        Earth(), Computed("public.ll_to_earth(lat, lon)", persisted=True)
    )
    phone: Mapped[str | None] = mapped_column(String(30))
    opening_hours: Mapped[str] = mapped_column(String(100))
    awards: Mapped[list[str]] = mapped_column(ARRAY(String(200)), default=list)
    services: Mapped[list[str]] = mapped_column(ARRAY(String(100)), default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
