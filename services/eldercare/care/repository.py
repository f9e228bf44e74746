"""Care request and renovation SQL. Both are records of one elder, read the same way: a
citizen's by the ids of the elders they may see (index lookups by `elder_id`), staff's by
filters in the writing session (their reads are audited)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import BigInteger, ColumnElement, Integer, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from common.read import Statement
from services.eldercare.models import (
    CareRequest,
    CareRequestEvent,
    Elder,
    Renovation,
)

Model = type[CareRequest] | type[Renovation]
_LIMIT = bindparam("limit", type_=Integer)
_IDS = bindparam("elder_ids", type_=ARRAY(BigInteger))
OPEN = {CareRequest: ["requested", "assigned"], Renovation: ["requested", "assessed", "scheduled"]}


def _records(model: Model) -> Any:
    columns = [c for c in model.__table__.columns if c.key != "requested_by_sub"]
    return select(*columns, Elder.name.label("elder_name")).join(Elder, Elder.id == model.elder_id)


@dataclass(frozen=True)
class Reads:
    """The statements of one kind of record, compiled once."""

    model: Model
    by_id: Any
    mine_newest: Statement[asyncpg.Record]
    mine_before: Statement[asyncpg.Record]
    get_mine: Statement[asyncpg.Record]
    open_mine: Statement[asyncpg.Record]

    @classmethod
    def of(cls, model: Model) -> Reads:
        records = _records(model)
        mine = records.where(model.elder_id == any_(_IDS))
        newest = model.id.desc()
        return cls(
            model=model,
            by_id=records.where(model.id == bindparam("id", type_=BigInteger)),
            mine_newest=Statement(mine.order_by(newest).limit(_LIMIT)),
            mine_before=Statement(
                mine.where(model.id < bindparam("before_id", type_=BigInteger))
                .order_by(newest)
                .limit(_LIMIT)
            ),
            get_mine=Statement(mine.where(model.id == bindparam("id", type_=BigInteger))),
            open_mine=Statement(
                mine.where(model.status == any_(array(OPEN[model]))).order_by(newest).limit(_LIMIT)
            ),
        )

    async def mine(
        self,
        conn: asyncpg.Connection,
        elder_ids: Sequence[int],
        *,
        limit: int,
        before_id: int | None,
    ) -> Sequence[asyncpg.Record]:
        if before_id is None:
            return await self.mine_newest.rows(conn, elder_ids=list(elder_ids), limit=limit)
        return await self.mine_before.rows(
            conn, elder_ids=list(elder_ids), limit=limit, before_id=before_id
        )

    async def open(
        self, conn: asyncpg.Connection, elder_ids: Sequence[int], *, limit: int
    ) -> Sequence[asyncpg.Record]:
        return await self.open_mine.rows(conn, elder_ids=list(elder_ids), limit=limit)

    async def one_of_mine(
        self, conn: asyncpg.Connection, elder_ids: Sequence[int], record_id: int
    ) -> asyncpg.Record | None:
        return await self.get_mine.row(conn, elder_ids=list(elder_ids), id=record_id)

    async def in_session(self, session: AsyncSession, record_id: int) -> Mapping[str, Any] | None:
        found = (await session.execute(self.by_id, {"id": record_id})).mappings().first()
        return None if found is None else dict(found)

    async def staff_page(
        self, session: AsyncSession, f: StaffFilter, *, limit: int, before_id: int | None
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit}
        for name in ("status", "elder_id"):
            if (value := getattr(f, name)) is not None:
                params[name] = value
        if before_id is not None:
            params["before_id"] = before_id
        stmt = _staff_page(
            self.model, f.status is not None, f.elder_id is not None, before_id is not None
        )
        return [dict(r) for r in (await session.execute(stmt, params)).mappings().all()]


@dataclass(frozen=True)
class StaffFilter:
    status: str | None = None
    elder_id: int | None = None


@lru_cache(maxsize=16)
def _staff_page(model: Model, status: bool, elder: bool, before: bool) -> Executable:
    conditions: list[ColumnElement[bool]] = []
    if status:
        conditions.append(model.status == bindparam("status"))
    if elder:
        conditions.append(model.elder_id == bindparam("elder_id", type_=BigInteger))
    if before:
        conditions.append(model.id < bindparam("before_id", type_=BigInteger))
    page: Executable = _records(model).where(*conditions).order_by(model.id.desc()).limit(_LIMIT)
    return page


CARE_REQUESTS = Reads.of(CareRequest)
RENOVATIONS = Reads.of(Renovation)

_EVENTS = select(
    CareRequestEvent.from_status,
    CareRequestEvent.to_status,
    CareRequestEvent.actor_role,
    CareRequestEvent.note,
    CareRequestEvent.at,
).order_by(CareRequestEvent.id)
EVENTS = Statement(_EVENTS.where(CareRequestEvent.care_request_id == bindparam("id")))


async def events(conn: asyncpg.Connection, care_request_id: int) -> Sequence[asyncpg.Record]:
    return await EVENTS.rows(conn, id=care_request_id)


async def events_in_session(session: AsyncSession, care_request_id: int) -> list[dict[str, Any]]:
    rows = await session.execute(_EVENTS.where(CareRequestEvent.care_request_id == care_request_id))
    return [dict(r) for r in rows.mappings().all()]


async def lock(session: AsyncSession, model: Model, record_id: int) -> Any:
    return await session.scalar(
        select(model)
        .where(model.id == record_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# --- statistics: open care requests by the district of the elder's community ------------------
