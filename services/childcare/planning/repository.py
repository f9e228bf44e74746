"""Planning SQL: live aggregates over the institutions (so the figures always match them),
district reference populations, capacity plans and their projects."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.read import Statement
from services.childcare.models import CapacityPlan, DistrictPopulation, PlanProject

_PLAN_COLUMNS = (
    CapacityPlan.year,
    CapacityPlan.title,
    CapacityPlan.target_institutions,
    CapacityPlan.target_slots,
)
PLANS = Statement(select(*_PLAN_COLUMNS).order_by(CapacityPlan.year))
PLAN = Statement(select(*_PLAN_COLUMNS).where(CapacityPlan.year == bindparam("year")))
_PROGRESS = select(
    PlanProject.plan_year,
    PlanProject.category,
    PlanProject.status,
    func.count().label("projects"),
    func.coalesce(func.sum(PlanProject.planned_slots), 0).label("slots"),
).group_by(PlanProject.plan_year, PlanProject.category, PlanProject.status)
PROGRESS = Statement(_PROGRESS)
PLAN_PROGRESS = Statement(_PROGRESS.where(PlanProject.plan_year == bindparam("year")))
PROJECT_COLUMNS = (
    PlanProject.id,
    PlanProject.plan_year,
    PlanProject.name,
    PlanProject.district,
    PlanProject.address,
    PlanProject.lat,
    PlanProject.lon,
    PlanProject.category,
    PlanProject.kind,
    PlanProject.planned_slots,
    PlanProject.status,
    PlanProject.institution_id,
    PlanProject.updated_at,
)
PROJECTS = Statement(
    select(*PROJECT_COLUMNS)
    .where(PlanProject.plan_year == bindparam("year"))
    .order_by(PlanProject.id)
)


async def plans(conn: asyncpg.Connection, year: int | None) -> Sequence[asyncpg.Record]:
    return await (PLANS.rows(conn) if year is None else PLAN.rows(conn, year=year))


async def progress(conn: asyncpg.Connection, year: int | None) -> Sequence[asyncpg.Record]:
    return await (PROGRESS.rows(conn) if year is None else PLAN_PROGRESS.rows(conn, year=year))


# --- writes (the request's session) ----------------------------------------------------------


async def lock_project(session: AsyncSession, project_id: int) -> PlanProject | None:
    return await session.scalar(
        select(PlanProject).where(PlanProject.id == project_id).with_for_update()
    )


async def project_in_session(session: AsyncSession, project_id: int) -> dict[str, object]:
    stmt = select(*PROJECT_COLUMNS).where(PlanProject.id == project_id)
    return dict((await session.execute(stmt)).mappings().one())


async def lock_population(session: AsyncSession, district: str) -> DistrictPopulation | None:
    return await session.get(DistrictPopulation, district, with_for_update=True)
