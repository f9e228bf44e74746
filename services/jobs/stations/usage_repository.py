"""Check-in SQL: anonymous visits by worker type, and usage counts per station."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, bindparam, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.read import Statement
from services.jobs.models import Station, StationCheckIn

_SINCE_7 = bindparam("since_7", type_=DateTime(timezone=True))
_SINCE_30 = bindparam("since_30", type_=DateTime(timezone=True))


@dataclass(frozen=True, slots=True)
class StationNameRow:
    id: int
    name: str
    district: str


@dataclass(frozen=True, slots=True)
class UsageRow:
    worker_type: str
    check_ins: int
    last_7_days: int
    last_30_days: int


STATION = Statement(
    select(Station.id, Station.name, Station.district).where(Station.id == bindparam("id")),
    StationNameRow,
)
USAGE = Statement(
    select(
        StationCheckIn.worker_type,
        func.count().label("check_ins"),
        func.count().filter(StationCheckIn.checked_in_at >= _SINCE_7).label("last_7_days"),
        func.count().filter(StationCheckIn.checked_in_at >= _SINCE_30).label("last_30_days"),
    )
    .where(StationCheckIn.station_id == bindparam("id"))
    .group_by(StationCheckIn.worker_type),
    UsageRow,
)


async def add_check_in(
    session: AsyncSession, station_id: int, worker_type: str, at: datetime
) -> StationCheckIn | None:
    """The check-in, or None when the station does not exist (checked in the same statement
    as the insert, so a station deleted meanwhile is no foreign-key error)."""
    new_id = await session.scalar(
        insert(StationCheckIn)
        .from_select(
            ["station_id", "worker_type", "checked_in_at"],
            select(Station.id, literal(worker_type), literal(at, DateTime(timezone=True))).where(
                Station.id == station_id
            ),
        )
        .returning(StationCheckIn.id)
    )
    if new_id is None:
        return None
    return StationCheckIn(
        id=new_id, station_id=station_id, worker_type=worker_type, checked_in_at=at
    )
