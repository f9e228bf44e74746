"""Graduate SQL: the citizen's own registration, and the counts of retention progress (the
historical reported rows plus live registrations, by year in the city's time zone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import DateTime, Integer, bindparam, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.read import Statement
from services.jobs.models import Graduate, RetentionAggregate


@dataclass(frozen=True, slots=True)
class GraduateRow:
    id: int
    university: str
    degree: str
    graduation_date: date
    retention: str
    employment_status: str
    district: str
    registered_at: datetime


@dataclass(frozen=True, slots=True)
class YearCount:
    year: int
    retention: str
    graduates: int


@dataclass(frozen=True, slots=True)
class ReportRow:
    year: int
    as_of_date: date
    graduates: int
    source: str


GET_MINE = Statement(
    select(
        Graduate.id,
        Graduate.university,
        Graduate.degree,
        Graduate.graduation_date,
        Graduate.retention,
        Graduate.employment_status,
        Graduate.district,
        Graduate.registered_at,
    ).where(Graduate.citizen_sub == bindparam("citizen")),
    GraduateRow,
)
_CITY_YEAR = cast(
    func.extract("year", func.timezone("Asia/Shanghai", Graduate.registered_at)), Integer
)
LIVE_BY_YEAR = Statement(
    select(_CITY_YEAR.label("year"), Graduate.retention, func.count().label("graduates"))
    .group_by(_CITY_YEAR, Graduate.retention)
    .order_by(_CITY_YEAR),
    YearCount,
)
HISTORICAL_BY_YEAR = Statement(
    select(
        RetentionAggregate.year,
        RetentionAggregate.retention,
        cast(func.sum(RetentionAggregate.graduates), Integer).label("graduates"),
    ).group_by(RetentionAggregate.year, RetentionAggregate.retention),
    YearCount,
)
HISTORICAL = Statement(
    select(
        RetentionAggregate.year,
        func.max(RetentionAggregate.as_of_date).label("as_of_date"),
        cast(func.sum(RetentionAggregate.graduates), Integer).label("graduates"),
        func.min(RetentionAggregate.source).label("source"),
    )
    .group_by(RetentionAggregate.year)
    .order_by(RetentionAggregate.year),
    ReportRow,
)


# the last change behind the progress figures (same figures, same `as_of`, same ETag)
LAST_CHANGE = Statement(
    select(
        func.greatest(
            select(func.max(Graduate.updated_at)).scalar_subquery(),
            select(
                func.max(
                    func.timezone("Asia/Shanghai", cast(RetentionAggregate.as_of_date, DateTime))
                )
            ).scalar_subquery(),
        )
    )
)


# --- writes (the request's session) ----------------------------------------------------------


async def lock_mine(session: AsyncSession, citizen: str) -> Graduate | None:
    return await session.scalar(
        select(Graduate)
        .where(Graduate.citizen_sub == citizen)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
