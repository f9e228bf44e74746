"""Planning SQL: capacity plans, their progress and their projects, as typed rows; district
reference populations change in the request's session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg
from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.read import Statement
from services.childcare.models import CapacityPlan, DistrictPopulation, PlanProject


@dataclass(frozen=True, slots=True)
class PlanRow:
    year: int
    title: str
    target_institutions: int
    target_slots: int


@dataclass(frozen=True, slots=True)
class ProgressRow:
    plan_year: int
    category: str
    status: str
    projects: int
    slots: int


@dataclass(frozen=True, slots=True)
class ProjectRow:
    id: int
    plan_year: int
    name: str
    district: str
    address: str
    lat: float
    lon: float
    category: str
    kind: str
    planned_slots: int
    status: str
    institution_id: int | None
    updated_at: datetime


_PLANS = select(
    CapacityPlan.year,
    CapacityPlan.title,
    CapacityPlan.target_institutions,
    CapacityPlan.target_slots,
)
PLANS = Statement(_PLANS.order_by(CapacityPlan.year), PlanRow)
PLAN = Statement(_PLANS.where(CapacityPlan.year == bindparam("year")), PlanRow)
_PROGRESS = select(
    PlanProject.plan_year,
    PlanProject.category,
    PlanProject.status,
    func.count().label("projects"),
    func.coalesce(func.sum(PlanProject.planned_slots), 0).cast(Integer).label("slots"),
).group_by(PlanProject.plan_year, PlanProject.category, PlanProject.status)
PROGRESS = Statement(_PROGRESS, ProgressRow)
PLAN_PROGRESS = Statement(_PROGRESS.where(PlanProject.plan_year == bindparam("year")), ProgressRow)
_PROJECTS = select(
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
    _PROJECTS.where(PlanProject.plan_year == bindparam("year")).order_by(PlanProject.id),
    ProjectRow,
)
PROJECT = Statement(_PROJECTS.where(PlanProject.id == bindparam("id")), ProjectRow)


async def plans(conn: asyncpg.Connection, year: int | None) -> list[PlanRow]:
    return await (PLANS.rows(conn) if year is None else PLAN.rows(conn, year=year))


async def progress(conn: asyncpg.Connection, year: int | None) -> list[ProgressRow]:
    return await (PROGRESS.rows(conn) if year is None else PLAN_PROGRESS.rows(conn, year=year))


# --- writes (the request's session) ----------------------------------------------------------


async def lock_project(session: AsyncSession, project_id: int) -> PlanProject | None:
    return await session.scalar(
        select(PlanProject).where(PlanProject.id == project_id).with_for_update()
    )


async def lock_population(session: AsyncSession, district: str) -> DistrictPopulation | None:
    return await session.get(DistrictPopulation, district, with_for_update=True)
