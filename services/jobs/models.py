"""Jobs tables, all in the `jobs` schema.

Opening hours are rows, not a JSON blob, so `open_now` is one indexed SQL condition that
keyset pagination can page through. Times are minutes after local midnight (Asia/Shanghai),
0–1440: `closes = 1440` means "until midnight", and a night shift past midnight is two rows
(one on each weekday), so `opens < closes` always holds and no row wraps around.
"""

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
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from common.db import service_metadata
from common.geo import Earth
from common.idempotency import idempotency_table

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


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


idempotency_key = idempotency_table(Base.metadata)


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({','.join(repr(v) for v in values)})"


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
    """A date whose hours replace the weekly schedule: a holiday closure or special hours."""

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
