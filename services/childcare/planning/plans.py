"""Capacity plans: progress of each plan, one plan with its projects, and moving a project along
planned → under_construction → opened (opening creates its institution)."""

from __future__ import annotations

from collections import defaultdict

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import Clock
from common.db import load
from common.districts import District, ensure_in_district
from common.errors import Unprocessable
from common.geo import CoordSys, Location
from common.i18n import N_, t
from common.lifecycle import Lifecycle
from common.opening_hours import WEEKDAYS, stored_week
from common.read import Reader
from services.childcare.institutions.schemas import InstitutionKind
from services.childcare.models import Institution, PlanProject
from services.childcare.planning import repository
from services.childcare.planning.errors import PlanNotFound, PlanProjectNotFound
from services.childcare.planning.repository import PlanRow, ProjectRow
from services.childcare.planning.schemas import (
    CategoryCount,
    PlanCategory,
    PlanProgress,
    PlanProjectRead,
    PlanProjectUpdate,
    PlanRead,
    StatusCount,
)
from services.childcare.values import ProjectStatus

PROJECT = Lifecycle(
    N_("plan project"),
    ProjectStatus,
    {
        ProjectStatus.planned: {ProjectStatus.under_construction},
        ProjectStatus.under_construction: {ProjectStatus.opened},
        ProjectStatus.opened: set(),
    },
    changed_attr="updated_at",
)


async def plan_progress(conn: asyncpg.Connection, year: int | None) -> list[PlanProgress]:
    plans = await repository.plans(conn, year)
    if not plans:
        return []
    by_plan: dict[int, list[tuple[str, str, int, int]]] = defaultdict(list)
    for r in await repository.progress(conn, year):
        by_plan[r.plan_year].append((r.category, r.status, r.projects, r.slots))
    return [_progress(plan, by_plan[plan.year]) for plan in plans]


def _progress(plan: PlanRow, groups: list[tuple[str, str, int, int]]) -> PlanProgress:
    by_status = [
        StatusCount(
            status=s,
            projects=sum(c for _, st, c, _ in groups if st == s),
            slots=sum(sl for _, st, _, sl in groups if st == s),
        )
        for s in ProjectStatus
    ]
    by_category = [
        CategoryCount(
            category=cat,
            projects=sum(c for ca, _, c, _ in groups if ca == cat),
            slots=sum(sl for ca, _, _, sl in groups if ca == cat),
            opened_projects=sum(c for ca, st, c, _ in groups if ca == cat and st == "opened"),
            opened_slots=sum(sl for ca, st, _, sl in groups if ca == cat and st == "opened"),
        )
        for cat in PlanCategory
    ]
    opened = by_status[-1]
    target_slots = plan.target_slots
    return PlanProgress(
        year=plan.year,
        title=plan.title,
        target_institutions=plan.target_institutions,
        target_slots=target_slots,
        opened_institutions=opened.projects,
        opened_slots=opened.slots,
        share_opened=round(opened.slots / target_slots, 4) if target_slots else 0.0,
        by_status=by_status,
        by_category=by_category,
    )


def project_read(p: ProjectRow, coord_sys: CoordSys) -> PlanProjectRead:
    return PlanProjectRead(
        id=p.id,
        plan_year=p.plan_year,
        name=p.name,
        district=District(p.district),
        address=p.address,
        location=Location.of(p.lat, p.lon, coord_sys),
        category=PlanCategory(p.category),
        kind=InstitutionKind(p.kind),
        planned_slots=p.planned_slots,
        status=ProjectStatus(p.status),
        institution_id=p.institution_id,
        updated_at=p.updated_at,
    )


async def list_plans(reader: Reader) -> list[PlanProgress]:
    async with reader.connection() as conn:
        return await plan_progress(conn, None)


async def get_plan(reader: Reader, *, year: int, coord_sys: CoordSys) -> PlanRead:
    async with reader.connection() as conn:
        progress = await plan_progress(conn, year)
        if not progress:
            raise PlanNotFound(t("There is no capacity plan for {year}.", year=year))
        projects = await repository.PROJECTS.rows(conn, year=year)
    return PlanRead(
        **progress[0].model_dump(), projects=[project_read(p, coord_sys) for p in projects]
    )


# Defaults for an opened project's institution when the PATCH body leaves them out: the report
# gives none, so these are plausible placeholders staff refine through PATCH /institutions/{id}.
DEFAULT_FEE_FEN = {"public": 100_000, "community": 110_000, "private": 150_000}
DEFAULT_MIN_AGE_MONTHS = {"kindergarten_class": 18}
INSTITUTION_FIELDS = (
    "monthly_fee_fen",
    "min_age_months",
    "max_age_months",
    "opening_hours",
    "phone",
)


async def advance_project(
    session: AsyncSession,
    *,
    project_id: int,
    update: PlanProjectUpdate,
    coord_sys: CoordSys,
    clock: Clock,
) -> PlanProjectRead:
    """Moves a project one step forward; opening it creates its institution in this transaction."""
    project = await load(session, PlanProject, project_id, PlanProjectNotFound, lock=True)
    PROJECT.check(project.status, update.status.value)
    given = [f for f in INSTITUTION_FIELDS if getattr(update, f) is not None]
    if update.status is not ProjectStatus.opened and given:
        raise Unprocessable(
            t(
                "{items} describe the institution and apply only with status 'opened'.",
                items=", ".join(given),
            ),
            code="institution_fields_need_opened",
        )
    if update.status is ProjectStatus.opened:
        project.institution_id = await _open_institution(session, project, update)
    PROJECT.transition(project, update.status.value, clock.now())
    row = await repository.PROJECT.one_in(session, PlanProjectNotFound, id=project.id)
    return project_read(row, coord_sys)


async def _open_institution(
    session: AsyncSession, project: PlanProject, update: PlanProjectUpdate
) -> int:
    lo = (
        update.min_age_months
        if update.min_age_months is not None
        else DEFAULT_MIN_AGE_MONTHS.get(project.kind, 6)
    )
    hi = update.max_age_months if update.max_age_months is not None else 36
    if lo > hi:
        raise Unprocessable(
            t("min_age_months ({lo}) must not exceed max_age_months ({hi}).", lo=lo, hi=hi),
            code="invalid_age_range",
        )
    ensure_in_district(project.district, project.lat, project.lon)
    institution = Institution(
        name=project.name,
        district=project.district,
        address=project.address,
        lat=project.lat,
        lon=project.lon,
        kind=project.kind,
        inclusive=project.inclusive,
        public_owned=project.category == "public",
        capacity=project.planned_slots,
        enrolled=0,
        offered=0,
        monthly_fee_fen=update.monthly_fee_fen
        if update.monthly_fee_fen is not None
        else DEFAULT_FEE_FEN[project.category],
        min_age_months=lo,
        max_age_months=hi,
        opening_hours=update.opening_hours or "07:30-18:00",
        weekly_hours=stored_week(update.opening_hours or "07:30-18:00", WEEKDAYS),
        phone=update.phone or "0471-12345",  # the city's service line, until staff set its own
    )
    session.add(institution)
    await session.flush()
    return institution.id
