"""Station SQL. Reads are statements compiled once (`common.read`): one statement per page,
with each station's schedule and its `open_now` computed in the same query (no ORM objects, no
second round trip for child rows). Writes go through the request's session and only flush."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    SmallInteger,
    and_,
    bindparam,
    delete,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import String

from common.listing import Bound, Chosen, Filter, Keyset, Listing
from common.read import Statement
from services.jobs.models import Station, StationException, StationHours
from services.jobs.stations.hours import ExceptionRow, LocalMoment


@dataclass(frozen=True)
class StationFilter:
    district: str | None = None
    amenities: tuple[str, ...] = ()
    open_now: bool | None = None


@dataclass(frozen=True, slots=True)
class StationLayerRow:
    id: int
    name: str
    district: str
    address: str
    lat: float
    lon: float
    amenities: list[str]
    operator: str
    open_now: bool


@dataclass(frozen=True, slots=True)
class StationRow(StationLayerRow):
    operator_kind: str
    phone: str | None
    hours: str  # jsonb as text on the read path: [[weekday, opens, closes], ...]
    exceptions: str  # [[date, closed, opens, closes, note], ...]


@dataclass(frozen=True, slots=True)
class StationHit(StationRow):
    distance_m: float | None


# the local moment every statement is evaluated at, bound per request
_ON_DATE = bindparam("on_date", type_=Date)
_WEEKDAY = bindparam("weekday", type_=SmallInteger)
_MINUTE = bindparam("minute", type_=Integer)


def _open_now() -> ColumnElement[bool]:
    """SQL twin of `hours.is_open`: a date exception replaces the weekly schedule."""
    exception_today = exists().where(
        StationException.station_id == Station.id, StationException.on_date == _ON_DATE
    )
    open_by_exception = exists().where(
        StationException.station_id == Station.id,
        StationException.on_date == _ON_DATE,
        StationException.closed.is_(False),
        StationException.opens <= _MINUTE,
        StationException.closes > _MINUTE,
    )
    open_by_schedule = exists().where(
        StationHours.station_id == Station.id,
        StationHours.weekday == _WEEKDAY,
        StationHours.opens <= _MINUTE,
        StationHours.closes > _MINUTE,
    )
    return or_(open_by_exception, and_(~exception_today, open_by_schedule))


_EMPTY: ColumnElement[Any] = literal_column("'[]'::jsonb")
# [[weekday, opens, closes], ...] in weekday order
_HOURS = (
    select(
        func.coalesce(
            func.jsonb_agg(
                aggregate_order_by(
                    func.jsonb_build_array(
                        StationHours.weekday, StationHours.opens, StationHours.closes
                    ),
                    StationHours.weekday,
                    StationHours.opens,
                )
            ),
            _EMPTY,
        )
    )
    .where(StationHours.station_id == Station.id)
    .scalar_subquery()
)
# [[date, closed, opens, closes, note], ...] from today on: past ones tell a traveller nothing
_EXCEPTIONS = (
    select(
        func.coalesce(
            func.jsonb_agg(
                aggregate_order_by(
                    func.jsonb_build_array(
                        StationException.on_date,
                        StationException.closed,
                        StationException.opens,
                        StationException.closes,
                        StationException.note,
                    ),
                    StationException.on_date,
                )
            ),
            _EMPTY,
        )
    )
    .where(StationException.station_id == Station.id, StationException.on_date >= _ON_DATE)
    .scalar_subquery()
)

_BASE = (
    Station.id,
    Station.name,
    Station.district,
    Station.address,
    Station.lat,
    Station.lon,
    Station.amenities,
    Station.operator,
)
COLUMNS = (
    *_BASE,
    Station.operator_kind,
    Station.phone,
    _HOURS.label("hours"),
    _EXCEPTIONS.label("exceptions"),
    _open_now().label("open_now"),
)
# the map layer: no schedule, only whether each station is open
LAYER_COLUMNS = (*_BASE, _open_now().label("open_now"))
GET = Statement(select(*COLUMNS).where(Station.id == bindparam("id")), StationRow)

# `@>` on the varchar[] column uses the GIN index
_FILTERS: dict[str, Filter] = {
    "district": Bound(lambda p: Station.district == p),
    "amenities": Bound(lambda p: Station.amenities.contains(p), type_=ARRAY(String(30)), bind=list),
    "open_now": Chosen(lambda v: _open_now() if v else ~_open_now()),
}
# nearest first with a centre, else by id
SEARCH = Listing(
    select(*COLUMNS),
    StationHit,
    filters=_FILTERS,
    order=Keyset((Station.id,)),
    nearest=Station.earth_loc,
)
# the map layer: no schedule, only whether each station is open
LAYER = Listing(
    select(*LAYER_COLUMNS), StationLayerRow, filters=_FILTERS, order=Keyset((Station.id,))
)


def moment_params(at: LocalMoment) -> dict[str, Any]:
    """The local moment every statement is evaluated at."""
    return {"on_date": at.on_date, "weekday": at.weekday, "minute": at.minute}


# --- writes (the request's session) ----------------------------------------------------------


async def replace_hours(
    session: AsyncSession, station_id: int, intervals: Sequence[tuple[int, int, int]]
) -> None:
    await session.execute(delete(StationHours).where(StationHours.station_id == station_id))
    session.add_all(
        StationHours(station_id=station_id, weekday=w, opens=o, closes=c) for w, o, c in intervals
    )
    await session.flush()


async def replace_exceptions(
    session: AsyncSession,
    station_id: int,
    exceptions: Sequence[ExceptionRow],
) -> None:
    await session.execute(delete(StationException).where(StationException.station_id == station_id))
    session.add_all(
        StationException(
            station_id=station_id, on_date=d, closed=closed, opens=o, closes=c, note=note
        )
        for d, closed, o, c, note in exceptions
    )
    await session.flush()
