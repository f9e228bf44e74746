"""Loads the childcare demo data (see demo_data.py) once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import exists, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import Clock
from common.opening_hours import WEEKDAYS, stored_week
from services.childcare import demo_data
from services.childcare.models import (
    CapacityPlan,
    Child,
    DistrictPopulation,
    Enrollment,
    Institution,
    PlanProject,
    child_identity,
)


async def seed(session: AsyncSession) -> bool:
    """Inserts the demo data unless the 2023 plan is already there; True if it inserted."""
    if await session.scalar(
        select(exists().where(CapacityPlan.year == demo_data.PLAN_2023["year"]))
    ):
        return False
    for district, population in demo_data.DISTRICT_POPULATION.items():
        if await session.get(DistrictPopulation, district.value) is None:
            session.add(
                DistrictPopulation(
                    district=district.value,
                    population=population,
                    source=demo_data.POPULATION_SOURCE,
                )
            )
    clock = Clock()
    places = demo_data.enrollments(clock.today())
    enrolled = Counter(e.institution for e in places if e.status == "enrolled")
    ids: dict[str, int] = {}
    for inst in demo_data.institutions():
        row = Institution(
            **{**inst.__dict__, "district": inst.district.value},
            # 托育 opens on working days
            weekly_hours=stored_week(inst.opening_hours, WEEKDAYS),
            enrolled=enrolled[inst.name],
            offered=0,
        )
        session.add(row)
        await session.flush()
        ids[inst.name] = row.id
    await _seed_enrollments(session, places, ids, clock)
    plan = demo_data.PLAN_2023
    session.add(
        CapacityPlan(
            year=plan["year"],
            title=plan["title"],
            target_institutions=plan["institutions"],
            target_slots=plan["slots"],
        )
    )
    await session.flush()
    for project in demo_data.plan_2023_projects():
        session.add(
            PlanProject(
                plan_year=plan["year"],
                **{**project.__dict__, "district": project.district.value},
                inclusive=True,
                status="planned",
            )
        )
    await session.flush()
    return True


async def _seed_enrollments(
    session: AsyncSession,
    places: list[demo_data.DemoEnrollment],
    institution_ids: dict[str, int],
    clock: Clock,
) -> None:
    """Children and their applications in bulk, in list order (waitlists keep it: FIFO)."""
    child_ids = (
        await session.scalars(
            insert(Child).returning(Child.id, sort_by_parameter_order=True),
            [
                {"guardian_sub": p.guardian_sub, "name": p.child_name, "birth_date": p.birth_date}
                for p in places
            ],
        )
    ).all()
    now = clock.now()
    await session.execute(
        insert(Enrollment),
        [
            {
                "child_id": child,
                "child_identity": child_identity(child, None),
                "institution_id": institution_ids[p.institution],
                "guardian_sub": p.guardian_sub,
                "status": p.status,
                "start_date": p.start_date,
                "applied_at": now,
                "status_changed_at": now,
            }
            for child, p in zip(child_ids, places, strict=True)
        ],
    )
