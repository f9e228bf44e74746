"""Fair rules: the public listing (soonest first) and staff scheduling (an end after the start,
a capacity never below the seats taken)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import CursorCodec, Page, page_of_rows
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
    filters: FairFilter,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
    now: datetime,
) -> Page[FairRead]:
    scope = repr(filters)
    after = codec.decode(cursor, scope) if cursor else None
    async with reader.connection() as conn:
        rows = await repository.list_fairs(conn, filters, now=now, limit=limit, after=after)
    return page_of_rows(
        rows, limit=limit, codec=codec, scope=scope, shape=lambda r: FairRead.of(r, now)
    )


async def get_fair(reader: Reader, *, fair_id: int, now: datetime) -> FairRead:
    async with reader.connection() as conn:
        row = await repository.get(conn, fair_id)
    if row is None:
        raise FairNotFound(f"Fair {fair_id} does not exist.")
    return FairRead.of(row, now)


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
        raise InvalidFairTimes("ends_at must be after starts_at.")


async def create_fair(session: AsyncSession, *, body: FairCreate, now: datetime) -> FairRead:
    values = _values(body, body.model_dump())
    _check_times(values["starts_at"], values["ends_at"])
    fair = Fair(**values, registered=0)
    session.add(fair)
    await session.flush()
    return FairRead.of(await repository.row_in_session(session, fair.id), now)


async def update_fair(
    session: AsyncSession, *, fair_id: int, body: FairUpdate, now: datetime
) -> FairRead:
    fair = await repository.get_fair(session, fair_id, lock=True)
    if fair is None:
        raise FairNotFound(f"Fair {fair_id} does not exist.")
    values = _values(body, body.changes())
    _check_times(values.get("starts_at", fair.starts_at), values.get("ends_at", fair.ends_at))
    if values.get("capacity", fair.capacity) < fair.registered:
        raise CapacityBelowRegistered(
            f"{fair.registered} seats are taken; capacity cannot go below that."
        )
    for key, value in values.items():
        setattr(fair, key, value)
    await session.flush()
    return FairRead.of(await repository.row_in_session(session, fair.id), now)
