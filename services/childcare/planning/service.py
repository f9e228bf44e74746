"""Statistics, district reference data and capacity plans: rules and their SQL.

Figures are SQL aggregates over the live tables, so they always match the institutions.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import Integer, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.districts import District
from common.errors import Unprocessable
from common.geo import CoordSys, Location
from services.childcare.models import CapacityPlan, DistrictPopulation, Institution, PlanProject
from services.childcare.planning.errors import (
    DistrictNotFound,
    InvalidTransition,
    PlanNotFound,
    PlanProjectNotFound,
)
from services.childcare.planning.schemas import (
    NATIONAL_TARGET_SLOTS_PER_1000,
    CategoryCount,
    ChildcareStats,
    DemonstrationGroup,
    DemonstrationInstitution,
    DemonstrationStats,
    DistrictPopulationRead,
    DistrictStats,
    KindStats,
    PlanCategory,
    PlanProgress,
    PlanProjectRead,
    PlanProjectUpdate,
    PlanRead,
    PopulationUpdate,
    ProjectStatus,
    StatusCount,
    Totals,
)

STATUS_ORDER = [ProjectStatus.planned, ProjectStatus.under_construction, ProjectStatus.opened]


def _per_1000(slots: int, population: int | None) -> float | None:
    return round(slots * 1000 / population, 2) if population else None


async def _plan_progress(session: AsyncSession, year: int | None = None) -> list[PlanProgress]:
    plans_stmt = select(CapacityPlan).order_by(CapacityPlan.year)
    if year is not None:
        plans_stmt = plans_stmt.where(CapacityPlan.year == year)
    plans = (await session.scalars(plans_stmt)).all()
    if not plans:
        return []
    rows = (
        await session.execute(
            select(
                PlanProject.plan_year,
                PlanProject.category,
                PlanProject.status,
                func.count(),
                func.sum(PlanProject.planned_slots),
            )
            .where(PlanProject.plan_year.in_([p.year for p in plans]))
            .group_by(PlanProject.plan_year, PlanProject.category, PlanProject.status)
        )
    ).all()
    by_plan: dict[int, list[tuple[str, str, int, int]]] = defaultdict(list)
    for plan_year, category, status, count, slots in rows:
        by_plan[plan_year].append((category, status, int(count), int(slots or 0)))
    out = []
    for plan in plans:
        groups = by_plan[plan.year]
        by_status = [
            StatusCount(
                status=s,
                projects=sum(c for _, st, c, _ in groups if st == s),
                slots=sum(sl for _, st, _, sl in groups if st == s),
            )
            for s in STATUS_ORDER
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
        opened_status = by_status[-1]
        out.append(
            PlanProgress(
                year=plan.year,
                title=plan.title,
                target_institutions=plan.target_institutions,
                target_slots=plan.target_slots,
                opened_institutions=opened_status.projects,
                opened_slots=opened_status.slots,
                share_opened=round(opened_status.slots / plan.target_slots, 4)
                if plan.target_slots
                else 0.0,
                by_status=by_status,
                by_category=by_category,
            )
        )
    return out


async def statistics(session: AsyncSession) -> ChildcareStats:
    """Totals, by kind, by district (per 1,000 residents vs 4.5), demonstration, plan progress."""
    vacancies = Institution.capacity - Institution.enrolled - Institution.offered
    aggregates = (
        func.count().label("institutions"),
        func.coalesce(func.sum(Institution.capacity), 0).label("slots"),
        func.coalesce(func.sum(Institution.enrolled), 0).label("enrolled"),
        func.coalesce(func.sum(Institution.offered), 0).label("offered"),
        func.coalesce(func.sum(vacancies), 0).label("vacancies"),
        func.coalesce(func.sum(case((Institution.inclusive, 1), else_=0)), 0)
        .cast(Integer)
        .label("inclusive"),
        # the figures are live aggregates: they hold as of the moment this query ran
        func.statement_timestamp().label("as_of"),
    )
    total = (await session.execute(select(*aggregates))).one()
    populations = dict(
        (
            await session.execute(
                select(DistrictPopulation.district, DistrictPopulation.population)
            )
        ).all()
    )
    population = sum(populations.values())
    kinds = (
        await session.execute(
            select(Institution.kind, *aggregates[:2], aggregates[4])
            .group_by(Institution.kind)
            .order_by(Institution.kind)
        )
    ).all()
    districts = {
        row.district: row
        for row in (
            await session.execute(
                select(Institution.district, *aggregates[:2], aggregates[4]).group_by(
                    Institution.district
                )
            )
        ).all()
    }
    by_district = []
    for district in District:
        row = districts.get(district.value)
        slots = int(row.slots) if row else 0
        pop = populations.get(district.value)
        per = _per_1000(slots, pop)
        by_district.append(
            DistrictStats(
                district=district,
                institutions=int(row.institutions) if row else 0,
                slots=slots,
                vacancies=int(row.vacancies) if row else 0,
                population=pop,
                slots_per_1000=per,
                meets_target=None if per is None else per >= NATIONAL_TARGET_SLOTS_PER_1000,
            )
        )
    demo_rows = (
        await session.scalars(
            select(Institution)
            .where(Institution.demonstration_level.is_not(None))
            .order_by(
                Institution.demonstration_year, Institution.demonstration_level, Institution.id
            )
        )
    ).all()
    demo_groups = (
        await session.execute(
            select(Institution.demonstration_level, Institution.demonstration_year, func.count())
            .where(Institution.demonstration_level.is_not(None))
            .group_by(Institution.demonstration_level, Institution.demonstration_year)
            .order_by(Institution.demonstration_year, Institution.demonstration_level)
        )
    ).all()
    institutions = int(total.institutions)
    return ChildcareStats(
        as_of=total.as_of or datetime.now(UTC),
        totals=Totals(
            institutions=institutions,
            slots=int(total.slots),
            enrolled=int(total.enrolled),
            offered=int(total.offered),
            vacancies=int(total.vacancies),
            inclusive_institutions=int(total.inclusive),
            inclusive_share=round(int(total.inclusive) / institutions, 4) if institutions else 0.0,
            population=population,
            slots_per_1000=_per_1000(int(total.slots), population) or 0.0,
        ),
        by_kind=[
            KindStats(
                kind=k.kind,
                institutions=int(k.institutions),
                slots=int(k.slots),
                vacancies=int(k.vacancies),
            )
            for k in kinds
        ],
        by_district=by_district,
        demonstration=DemonstrationStats(
            total=len(demo_rows),
            by_level_year=[
                DemonstrationGroup(level=level, year=year or 0, institutions=int(n))
                for level, year, n in demo_groups
            ],
            institutions=[
                DemonstrationInstitution(
                    id=i.id,
                    name=i.name,
                    district=i.district,
                    level=i.demonstration_level,
                    year=i.demonstration_year or 0,
                )
                for i in demo_rows
            ],
        ),
        plans=await _plan_progress(session),
    )


def _project_read(p: PlanProject, coord_sys: CoordSys) -> PlanProjectRead:
    return PlanProjectRead(
        id=p.id,
        plan_year=p.plan_year,
        name=p.name,
        district=p.district,
        address=p.address,
        location=Location.of(p.lat, p.lon, coord_sys),
        category=p.category,
        kind=p.kind,
        planned_slots=p.planned_slots,
        status=p.status,
        institution_id=p.institution_id,
        updated_at=p.updated_at,
    )


async def list_plans(session: AsyncSession) -> list[PlanProgress]:
    return await _plan_progress(session)


async def get_plan(session: AsyncSession, *, year: int, coord_sys: CoordSys) -> PlanRead:
    progress = await _plan_progress(session, year)
    if not progress:
        raise PlanNotFound(f"There is no capacity plan for {year}.")
    projects = (
        await session.scalars(
            select(PlanProject).where(PlanProject.plan_year == year).order_by(PlanProject.id)
        )
    ).all()
    return PlanRead(
        **progress[0].model_dump(), projects=[_project_read(p, coord_sys) for p in projects]
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
    session: AsyncSession, *, project_id: int, update: PlanProjectUpdate, coord_sys: CoordSys
) -> PlanProjectRead:
    """Moves a project one step forward; opening it creates its institution in this transaction."""
    project = await session.scalar(
        select(PlanProject).where(PlanProject.id == project_id).with_for_update()
    )
    if project is None:
        raise PlanProjectNotFound(f"Plan project {project_id} does not exist.")
    current = STATUS_ORDER.index(ProjectStatus(project.status))
    wanted = STATUS_ORDER.index(update.status)
    if wanted != current + 1:
        raise InvalidTransition(
            f"A project moves planned → under_construction → opened one step at a time; "
            f"it is {project.status}, cannot become {update.status.value}.",
            current_status=project.status,
        )
    given = [f for f in INSTITUTION_FIELDS if getattr(update, f) is not None]
    if update.status is not ProjectStatus.opened and given:
        raise Unprocessable(
            f"{', '.join(given)} describe the institution and apply only with status 'opened'.",
            code="institution_fields_need_opened",
        )
    if update.status is ProjectStatus.opened:
        project.institution_id = await _open_institution(session, project, update)
    project.status = update.status.value
    await session.flush()
    await session.refresh(project)
    return _project_read(project, coord_sys)


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
            f"min_age_months ({lo}) must not exceed max_age_months ({hi}).",
            code="invalid_age_range",
        )
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
        phone=update.phone or "0471-12345",  # the city's service line, until staff set its own
    )
    session.add(institution)
    await session.flush()
    return institution.id


def parse_district(raw: str) -> District:
    """A district by its Chinese name (新城区) or its API member name (xincheng)."""
    try:
        return District(raw)
    except ValueError:
        pass
    try:
        return District[raw]
    except KeyError:
        raise DistrictNotFound(
            f"Unknown district {raw!r}; one of: {', '.join(d.value for d in District)}."
        ) from None


async def set_population(
    session: AsyncSession, *, district: str, update: PopulationUpdate
) -> DistrictPopulationRead:
    """Sets a district's reference population (creates the row for a district without one)."""
    known = parse_district(district)
    row = await session.get(DistrictPopulation, known.value, with_for_update=True)
    if row is None:
        row = DistrictPopulation(
            district=known.value, population=update.population, source=update.source
        )
        session.add(row)
    else:
        row.population = update.population
        row.source = update.source
    await session.flush()
    await session.refresh(row)
    return DistrictPopulationRead(
        district=known, population=row.population, source=row.source, updated_at=row.updated_at
    )
