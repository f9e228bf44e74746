"""`GET /childcare/v1/stats`: totals, by kind, by district (slots per 1,000 residents against the
national 4.5), demonstration institutions and plan progress — live aggregates on the read path."""

from __future__ import annotations

from datetime import UTC, datetime

from common.districts import District
from common.read import Reader
from services.childcare.institutions.schemas import DemonstrationLevel, InstitutionKind
from services.childcare.overview import repository
from services.childcare.overview.schemas import (
    NATIONAL_TARGET_SLOTS_PER_1000,
    ChildcareStats,
    DemonstrationGroup,
    DemonstrationInstitution,
    DemonstrationStats,
    DistrictStats,
    KindStats,
    Totals,
)
from services.childcare.planning.plans import plan_progress


def _per_1000(slots: int, population: int | None) -> float | None:
    return round(slots * 1000 / population, 2) if population else None


async def statistics(reader: Reader) -> ChildcareStats:
    async with reader.connection() as conn:
        [total] = await repository.TOTALS.rows(conn)  # an aggregate: always one row
        populations = {r.district: r.population for r in await repository.POPULATIONS.rows(conn)}
        kinds = await repository.BY_KIND.rows(conn)
        districts = {r.district: r for r in await repository.BY_DISTRICT.rows(conn)}
        demonstration = await repository.DEMONSTRATION.rows(conn)
        groups = await repository.DEMONSTRATION_GROUPS.rows(conn)
        plans = await plan_progress(conn, None)
    population = sum(populations.values())
    by_district = []
    for district in District:
        row = districts.get(district.value)
        slots = row.slots if row else 0
        pop = populations.get(district.value)
        per = _per_1000(slots, pop)
        by_district.append(
            DistrictStats(
                district=district,
                institutions=row.institutions if row else 0,
                slots=slots,
                vacancies=row.vacancies if row else 0,
                population=pop,
                slots_per_1000=per,
                meets_target=None if per is None else per >= NATIONAL_TARGET_SLOTS_PER_1000,
            )
        )
    institutions, inclusive = total.institutions, total.inclusive
    return ChildcareStats(
        # an empty database has no last change: the epoch, stable like any other as_of
        as_of=total.as_of or datetime(1970, 1, 1, tzinfo=UTC),
        totals=Totals(
            institutions=institutions,
            slots=total.slots,
            enrolled=total.enrolled,
            offered=total.offered,
            vacancies=total.vacancies,
            inclusive_institutions=inclusive,
            inclusive_share=round(inclusive / institutions, 4) if institutions else 0.0,
            population=population,
            slots_per_1000=_per_1000(total.slots, population) or 0.0,
        ),
        by_kind=[
            KindStats(
                kind=InstitutionKind(k.kind),
                institutions=k.institutions,
                slots=k.slots,
                vacancies=k.vacancies,
            )
            for k in kinds
        ],
        by_district=by_district,
        demonstration=DemonstrationStats(
            total=len(demonstration),
            by_level_year=[
                DemonstrationGroup(
                    level=DemonstrationLevel(g.demonstration_level),
                    year=g.demonstration_year or 0,
                    institutions=g.institutions,
                )
                for g in groups
            ],
            institutions=[
                DemonstrationInstitution(
                    id=i.id,
                    name=i.name,
                    district=District(i.district),
                    level=DemonstrationLevel(i.demonstration_level),
                    year=i.demonstration_year or 0,
                )
                for i in demonstration
            ],
        ),
        plans=plans,
    )
