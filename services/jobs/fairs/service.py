"""Fair rules: the public listing (soonest first) and staff scheduling (an end after the start,
a capacity never below the seats taken)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import Clock
from common.db import load
from common.i18n import t
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.jobs.fairs import repository
from services.jobs.fairs.errors import CapacityBelowRegistered, FairNotFound, InvalidFairTimes
from services.jobs.fairs.repository import FairFilter
from services.jobs.fairs.schemas import FairCreate, FairRead, FairUpdate
from services.jobs.fields import aware
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
            shape=lambda row: FairRead.of(row, now),
        )


async def get_fair(reader: Reader, *, fair_id: int, clock: Clock) -> FairRead:
    row = await reader.one(repository.GET, FairNotFound, id=fair_id)
    return FairRead.of(row, clock.now())


def _values(body: FairCreate | FairUpdate, changes: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in changes.items() if k != "employers"}
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


async def create_fair(session: AsyncSession, *, body: FairCreate, clock: Clock) -> FairRead:
    values = _values(body, body.model_dump())
    _check_times(values["starts_at"], values["ends_at"])
    fair = Fair(**values, registered=0)
    session.add(fair)
    await session.flush()
    return FairRead.of(await repository.GET.one_in(session, FairNotFound, id=fair.id), clock.now())


async def update_fair(
    session: AsyncSession, *, fair_id: int, body: FairUpdate, clock: Clock
) -> FairRead:
    fair = await load(session, Fair, fair_id, FairNotFound, lock=True)
    values = _values(body, body.changes())
    _check_times(values.get("starts_at", fair.starts_at), values.get("ends_at", fair.ends_at))
    if values.get("capacity", fair.capacity) < fair.registered:
        raise CapacityBelowRegistered(
            t(
                "{registered} seats are taken; capacity cannot go below that.",
                registered=fair.registered,
            )
        )
    for key, value in values.items():
        setattr(fair, key, value)
    return FairRead.of(await repository.GET.one_in(session, FairNotFound, id=fair.id), clock.now())
