"""Care request and renovation SQL. Both are records of one elder, read the same way: a
citizen's by the ids of the elders they may see (index lookups by `elder_id`), staff's by
filters on the audit's own transaction (their reads are audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, Integer, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.ext.asyncio import AsyncSession

from common.listing import Bound, Keyset, Listing
from common.read import Statement
from services.eldercare.models import (
    CareRequest,
    CareRequestEvent,
    Elder,
    Renovation,
)

Model = type[CareRequest] | type[Renovation]
R = TypeVar("R")
_IDS = bindparam("elder_ids", type_=ARRAY(BigInteger))
OPEN = {CareRequest: ["requested", "assigned"], Renovation: ["requested", "assessed", "scheduled"]}


@dataclass(frozen=True, slots=True)
class CareRequestRow:
    id: int
    elder_id: int
    care_type: str
    provider_category: str
    details: str
    preferred_date: date | None
    provider_name: str | None
    price_fen: int | None
    status: str
    requested_at: datetime
    assigned_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    status_changed_at: datetime
    elder_name: str


@dataclass(frozen=True, slots=True)
class RenovationRow:
    id: int
    elder_id: int
    items: list[str]
    details: str
    status: str
    estimated_cost_fen: int | None
    assessment_note: str | None
    scheduled_for: date | None
    requested_at: datetime
    assessed_at: datetime | None
    scheduled_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    status_changed_at: datetime
    elder_name: str


@dataclass(frozen=True, slots=True)
class EventRow:
    from_status: str | None
    to_status: str
    actor_role: str
    note: str
    at: datetime


@dataclass(frozen=True)
class StaffFilter:
    status: str | None = None
    elder_id: int | None = None


class Reads(Generic[R]):
    """The statements of one kind of record (an elder's care requests or renovations), compiled
    once: by id, a citizen's elders' (`elder_ids`, the list's own parameter) newest first, their
    open ones, and staff's newest first by status and elder."""

    def __init__(self, model: Model, row: type[R]) -> None:
        columns = [c for c in model.__table__.columns if c.key != "requested_by_sub"]
        records = select(*columns, Elder.name.label("elder_name")).join(
            Elder, Elder.id == model.elder_id
        )
        mine = records.where(model.elder_id == any_(_IDS))
        newest = Keyset((model.id,), descending=True)
        self.model = model
        self.get = Statement(records.where(model.id == bindparam("id", type_=BigInteger)), row)
        self.get_mine = Statement(mine.where(model.id == bindparam("id", type_=BigInteger)), row)
        self.mine = Listing(mine, row, order=newest)
        self.open = Statement(
            mine.where(model.status == any_(array(OPEN[model])))
            .order_by(model.id.desc())
            .limit(bindparam("limit", type_=Integer)),
            row,
        )
        self.staff = Listing(
            records,
            row,
            filters={
                "status": Bound(lambda p: model.status == p),
                "elder_id": Bound(lambda p: model.elder_id == p, type_=BigInteger),
            },
            order=newest,
        )


CARE_REQUESTS = Reads(CareRequest, CareRequestRow)
RENOVATIONS = Reads(Renovation, RenovationRow)

_EVENTS = select(
    CareRequestEvent.from_status,
    CareRequestEvent.to_status,
    CareRequestEvent.actor_role,
    CareRequestEvent.note,
    CareRequestEvent.at,
).order_by(CareRequestEvent.id)
EVENTS = Statement(_EVENTS.where(CareRequestEvent.care_request_id == bindparam("id")), EventRow)


async def lock(session: AsyncSession, model: Model, record_id: int) -> Any:
    return await session.scalar(
        select(model)
        .where(model.id == record_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
