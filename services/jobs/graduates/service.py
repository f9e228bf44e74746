"""Graduate rules: one registration per citizen, a plausible graduation date, and public
progress against the 100,000 target (reported historical counts plus live registrations)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.clock import Clock
from common.db import insert_unless_taken
from common.i18n import t
from common.read import Reader
from services.jobs.graduates import repository
from services.jobs.graduates.errors import (
    GraduateAlreadyRegistered,
    GraduateNotRegistered,
    GraduationDateOutOfRange,
)
from services.jobs.graduates.schemas import (
    RETENTION_TARGET,
    GraduateCreate,
    GraduateRead,
    GraduateUpdate,
    HistoricalCount,
    Retention,
    RetentionCount,
    RetentionProgress,
    YearProgress,
)
from services.jobs.models import Graduate

EARLIEST_GRADUATION = date(1950, 1, 1)
# final-year students register before their graduation day (the June fairs)
GRADUATION_AHEAD = timedelta(days=366)


async def register(
    session: AsyncSession, *, citizen: Principal, body: GraduateCreate, clock: Clock
) -> GraduateRead:
    today, now = clock.today(), clock.now()
    if not EARLIEST_GRADUATION <= body.graduation_date <= today + GRADUATION_AHEAD:
        raise GraduationDateOutOfRange(
            t(
                "graduation_date must be between {earliest} and {latest}.",
                earliest=EARLIEST_GRADUATION,
                latest=today + GRADUATION_AHEAD,
            )
        )
    if await repository.GET_MINE.row_in(session, citizen=citizen.sub) is not None:
        raise GraduateAlreadyRegistered(t("You are already registered as a graduate."))
    graduate = await insert_unless_taken(
        session,
        Graduate(
            citizen_sub=citizen.sub,
            university=body.university,
            degree=body.degree.value,
            graduation_date=body.graduation_date,
            retention=body.retention.value,
            employment_status=body.employment_status.value,
            district=body.district.value,
            registered_at=now,
        ),
    )
    if graduate is None:  # two registrations at once: the UNIQUE index decides
        raise GraduateAlreadyRegistered(t("You are already registered as a graduate."))
    return await _mine(session, citizen)


async def _mine(session: AsyncSession, citizen: Principal) -> GraduateRead:
    """The registration as a read shows it, inside the writing transaction."""
    row = await repository.GET_MINE.one_in(session, GraduateNotRegistered, citizen=citizen.sub)
    return GraduateRead.of(row)


async def update(
    session: AsyncSession, *, citizen: Principal, body: GraduateUpdate
) -> GraduateRead:
    graduate = await repository.lock_mine(session, citizen.sub)
    if graduate is None:
        raise GraduateNotRegistered()
    for key, value in body.changes().items():
        setattr(graduate, key, value.value)
    return await _mine(session, citizen)


async def get_mine(reader: Reader, *, citizen: Principal) -> GraduateRead:
    row = await reader.one(repository.GET_MINE, GraduateNotRegistered, citizen=citizen.sub)
    return GraduateRead.of(row)


async def progress(reader: Reader, *, clock: Clock) -> RetentionProgress:
    async with reader.connection() as conn:
        live = await repository.LIVE_BY_YEAR.rows(conn)
        historical = await repository.HISTORICAL_BY_YEAR.rows(conn)
        reports = await repository.HISTORICAL.rows(conn)
        changed: datetime | None = await repository.LAST_CHANGE.value(conn)
    years: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in historical:
        years[row.year][row.retention] += row.graduates
        years[row.year]["historical"] += row.graduates
    for row in live:
        years[row.year][row.retention] += row.graduates
        years[row.year]["registered"] += row.graduates
    by_year = [
        YearProgress(
            year=year,
            stayed=c["stayed"],
            returned=c["returned"],
            came=c["came"],
            total=c["stayed"] + c["returned"] + c["came"],
            historical=c["historical"],
            registered=c["registered"],
        )
        for year, c in sorted(years.items())
    ]
    total = sum(y.total for y in by_year)
    return RetentionProgress(
        target=RETENTION_TARGET,
        total=total,
        progress=round(total / RETENTION_TARGET, 4),
        by_retention=[
            RetentionCount(retention=r, graduates=sum(years[y][r.value] for y in years))
            for r in Retention
        ],
        by_year=by_year,
        historical=[
            HistoricalCount(
                year=r.year, as_of_date=r.as_of_date, graduates=r.graduates, source=r.source
            )
            for r in reports
        ],
        as_of=changed or clock.now(),
    )
