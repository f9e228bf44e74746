"""Loads the childcare demo data (see demo_data.py) once."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.childcare import demo_data
from services.childcare.models import CapacityPlan, DistrictPopulation, Institution, PlanProject


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
    for inst in demo_data.institutions():
        session.add(
            Institution(**{**inst.__dict__, "district": inst.district.value}, enrolled=0, offered=0)
        )
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
