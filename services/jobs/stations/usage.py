"""Check-ins and usage: an anonymous visit by worker type (no person recorded), counted per
station here and per district in the service statistics."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import Clock
from common.districts import District
from common.read import Reader
from services.jobs.stations import usage_repository as repository
from services.jobs.stations.errors import StationNotFound
from services.jobs.stations.schemas import (
    CheckInCreate,
    CheckInRead,
    StationUsage,
    WorkerType,
    WorkerTypeCount,
)


async def check_in(
    session: AsyncSession, *, station_id: int, body: CheckInCreate, clock: Clock
) -> CheckInRead:
    row = await repository.add_check_in(session, station_id, body.worker_type.value, clock.now())
    if row is None:
        raise StationNotFound(id=station_id)
    return CheckInRead(
        id=row.id,
        station_id=row.station_id,
        worker_type=WorkerType(row.worker_type),
        checked_in_at=row.checked_in_at,
    )


async def station_usage(reader: Reader, *, station_id: int, clock: Clock) -> StationUsage:
    now = clock.now()
    since = {"since_7": now - timedelta(days=7), "since_30": now - timedelta(days=30)}
    async with reader.connection() as conn:
        station = await repository.STATION.one(conn, StationNotFound, id=station_id)
        rows = await repository.USAGE.rows(conn, id=station_id, **since)
    counts = {r.worker_type: r for r in rows}
    return StationUsage(
        station_id=station.id,
        name=station.name,
        district=District(station.district),
        check_ins=sum(r.check_ins for r in rows),
        last_7_days=sum(r.last_7_days for r in rows),
        last_30_days=sum(r.last_30_days for r in rows),
        by_worker_type=[
            WorkerTypeCount(
                worker_type=t,
                check_ins=counts[t].check_ins if t in counts else 0,
                last_30_days=counts[t].last_30_days if t in counts else 0,
            )
            for t in WorkerType
        ],
        as_of=now,
    )
