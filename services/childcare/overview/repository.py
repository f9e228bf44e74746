"""Statistics SQL: live aggregates over the institutions (so the figures always match them) and
the district reference populations."""

from __future__ import annotations

from sqlalchemy import Integer, case, func, select

from common.read import Statement
from services.childcare.models import DistrictPopulation, Institution, PlanProject

_VACANCIES = Institution.capacity - Institution.enrolled - Institution.offered
_INSTITUTIONS = func.count().label("institutions")
_SLOTS = func.coalesce(func.sum(Institution.capacity), 0).label("slots")
_VACANT = func.coalesce(func.sum(_VACANCIES), 0).label("vacancies")

TOTALS = Statement(
    select(
        _INSTITUTIONS,
        _SLOTS,
        func.coalesce(func.sum(Institution.enrolled), 0).label("enrolled"),
        func.coalesce(func.sum(Institution.offered), 0).label("offered"),
        _VACANT,
        func.coalesce(func.sum(case((Institution.inclusive, 1), else_=0)), 0)
        .cast(Integer)
        .label("inclusive"),
        # as of the last change behind them: the same figures keep the same `as_of` (and ETag),
        # so clients and caches revalidate with a 304 until something changes
        func.greatest(
            func.max(Institution.vacancies_as_of),
            func.max(Institution.updated_at),
            select(func.max(DistrictPopulation.updated_at)).scalar_subquery(),
            select(func.max(PlanProject.updated_at)).scalar_subquery(),
        ).label("as_of"),
    )
)
BY_KIND = Statement(
    select(Institution.kind, _INSTITUTIONS, _SLOTS, _VACANT)
    .group_by(Institution.kind)
    .order_by(Institution.kind)
)
BY_DISTRICT = Statement(
    select(Institution.district, _INSTITUTIONS, _SLOTS, _VACANT).group_by(Institution.district)
)
POPULATIONS = Statement(select(DistrictPopulation.district, DistrictPopulation.population))
DEMONSTRATION = Statement(
    select(
        Institution.id,
        Institution.name,
        Institution.district,
        Institution.demonstration_level,
        Institution.demonstration_year,
    )
    .where(Institution.demonstration_level.is_not(None))
    .order_by(Institution.demonstration_year, Institution.demonstration_level, Institution.id)
)
DEMONSTRATION_GROUPS = Statement(
    select(
        Institution.demonstration_level,
        Institution.demonstration_year,
        func.count().label("institutions"),
    )
    .where(Institution.demonstration_level.is_not(None))
    .group_by(Institution.demonstration_level, Institution.demonstration_year)
    .order_by(Institution.demonstration_year, Institution.demonstration_level)
)
