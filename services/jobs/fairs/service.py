"""Fair rules: the public listing (soonest first) and staff scheduling (an end after the start,
a capacity never below the seats taken)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import Clock
from common.db import load
from common.geo import CoordSys
from common.i18n import t
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.jobs.fairs import repository
from services.jobs.fairs.errors import CapacityBelowRegistered, FairNotFound, InvalidFairTimes
from services.jobs.fairs.repository import FairFilter
from services.jobs.fairs.schemas import FairCreate, FairRead, FairUpdate
from services.jobs.fields import aware, check_point, point_columns
from services.jobs.models import Fair


async def list_fairs(
    reader: Reader,
    *,
    when: str | None,
    district: str | None,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
    clock: Clock,
    coord_sys: CoordSys = CoordSys.wgs84,
) -> Page[FairRead]:
    """Soonest first; `when` is `upcoming` (not over yet) or `past` (over)."""
    now = clock.now()
    filters = FairFilter(
        ends_after=now if when == "upcoming" else None,
        ends_by=now if when == "past" else None,
        district=district,
    )
    async with reader.connection() as conn:
        return await repository.SEARCH.page(
            conn,
            filters,
            limit=limit,
            cursor=cursor,
            codec=codec,
            # the moment moves between pages; the cursor's position bounds them
            scope=f"fairs:{when}:{district}",
            shape=lambda row: FairRead.of(row, now, coord_sys),
        )


async def get_fair(
    reader: Reader, *, fair_id: int, clock: Clock, coord_sys: CoordSys = CoordSys.wgs84
) -> FairRead:
    row = await reader.one(repository.GET, FairNotFound, id=fair_id)
    return FairRead.of(row, clock.now(), coord_sys)


def _values(
    body: FairCreate | FairUpdate, changes: dict[str, Any], coord_sys: CoordSys
) -> dict[str, Any]:
    skip = ("employers", "location", "coord_sys")
    values = {k: v for k, v in changes.items() if k not in skip}
    if "location" in changes:
        point = body.location
        values |= point_columns(None if point is None else point.model_dump(), coord_sys)
    if "employers" in changes and body.employers is not None:
        values["employers"] = [e.model_dump(mode="json") for e in body.employers]
    if values.get("district") is not None:
        values["district"] = values["district"].value
    for key in ("starts_at", "ends_at"):
        if values.get(key) is not None:
            values[key] = aware(values[key])
    return values


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidFairTimes(t("ends_at must be after starts_at."))


async def create_fair(
    session: AsyncSession, *, body: FairCreate, coord_sys: CoordSys, clock: Clock
) -> FairRead:
    values = _values(body, body.model_dump(), coord_sys)
    _check_times(values["starts_at"], values["ends_at"])
    check_point(values["district"], values["lat"], values["lon"])
    fair = Fair(**values, registered=0)
    session.add(fair)
    await session.flush()
    return await _answer(session, fair.id, clock, coord_sys)


async def _answer(
    session: AsyncSession, fair_id: int, clock: Clock, coord_sys: CoordSys
) -> FairRead:
    row = await repository.GET.one_in(session, FairNotFound, id=fair_id)
    return FairRead.of(row, clock.now(), coord_sys)


async def update_fair(
    session: AsyncSession, *, fair_id: int, body: FairUpdate, coord_sys: CoordSys, clock: Clock
) -> FairRead:
    fair = await load(session, Fair, fair_id, FairNotFound, lock=True)
    values = _values(body, body.changes(), coord_sys)
    _check_times(values.get("starts_at", fair.starts_at), values.get("ends_at", fair.ends_at))
    district = values.get("district", fair.district)
    check_point(district, values.get("lat", fair.lat), values.get("lon", fair.lon))
    if values.get("capacity", fair.capacity) < fair.registered:
        raise CapacityBelowRegistered(
            t(
                "{registered} seats are taken; capacity cannot go below that.",
                registered=fair.registered,
            )
        )
    for key, value in values.items():
        setattr(fair, key, value)
    return await _answer(session, fair.id, clock, coord_sys)
