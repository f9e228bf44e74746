"""Statistics SQL: live aggregates over the institutions (so the figures always match them) and
the district reference populations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, case, func, select

from common.read import Statement
from services.childcare.models import DistrictPopulation, Institution, PlanProject


@dataclass(frozen=True, slots=True)
class TotalsRow:
    institutions: int
    slots: int
    enrolled: int
    offered: int
    vacancies: int
    inclusive: int
    as_of: datetime | None  # None when there is nothing yet


@dataclass(frozen=True, slots=True)
class KindRow:
    kind: str
    institutions: int
    slots: int
    vacancies: int


@dataclass(frozen=True, slots=True)
class DistrictRow:
    district: str
    institutions: int
    slots: int
    vacancies: int


@dataclass(frozen=True, slots=True)
class PopulationRow:
    district: str
    population: int


@dataclass(frozen=True, slots=True)
class DemonstrationRow:
    id: int
    name: str
    district: str
    demonstration_level: str
    demonstration_year: int | None


@dataclass(frozen=True, slots=True)
class DemonstrationGroupRow:
    demonstration_level: str
    demonstration_year: int | None
    institutions: int


def _integer(expression: Any, name: str) -> Any:
    """A sum as an int (PostgreSQL sums integers to numeric)."""
    return func.coalesce(expression, 0).cast(Integer).label(name)


_VACANCIES = Institution.capacity - Institution.enrolled - Institution.offered
_INSTITUTIONS = func.count().label("institutions")
_SLOTS = _integer(func.sum(Institution.capacity), "slots")
_VACANT = _integer(func.sum(_VACANCIES), "vacancies")

TOTALS = Statement(
    select(
        _INSTITUTIONS,
        _SLOTS,
        _integer(func.sum(Institution.enrolled), "enrolled"),
        _integer(func.sum(Institution.offered), "offered"),
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
    ),
    TotalsRow,
)
BY_KIND = Statement(
    select(Institution.kind, _INSTITUTIONS, _SLOTS, _VACANT)
    .group_by(Institution.kind)
    .order_by(Institution.kind),
    KindRow,
)
BY_DISTRICT = Statement(
    select(Institution.district, _INSTITUTIONS, _SLOTS, _VACANT).group_by(Institution.district),
    DistrictRow,
)
POPULATIONS = Statement(
    select(DistrictPopulation.district, DistrictPopulation.population), PopulationRow
)
DEMONSTRATION = Statement(
    select(
        Institution.id,
        Institution.name,
        Institution.district,
        Institution.demonstration_level,
        Institution.demonstration_year,
    )
    .where(Institution.demonstration_level.is_not(None))
    .order_by(Institution.demonstration_year, Institution.demonstration_level, Institution.id),
    DemonstrationRow,
)
DEMONSTRATION_GROUPS = Statement(
    select(
        Institution.demonstration_level,
        Institution.demonstration_year,
        func.count().label("institutions"),
    )
    .where(Institution.demonstration_level.is_not(None))
    .group_by(Institution.demonstration_level, Institution.demonstration_year)
    .order_by(Institution.demonstration_year, Institution.demonstration_level),
    DemonstrationGroupRow,
)
