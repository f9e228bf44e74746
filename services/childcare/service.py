"""Childcare rules. Routes call these; they raise domain errors that become problem+json."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, Role
from common.errors import NotFound
from common.geo import CoordSys, Location, round_location
from common.pagination import CursorCodec, Page
from services.childcare import repository
from services.childcare.models import Institution
from services.childcare.repository import InstitutionFilter
from services.childcare.schemas import Demonstration, InstitutionRead


class InstitutionNotFound(NotFound):
    code = "institution_not_found"


def _sees_exact_location(viewer: Principal | None) -> bool:
    return viewer is not None and viewer.has_any(Role.childcare_staff, Role.admin)


def institution_read(
    inst: Institution,
    coord_sys: CoordSys,
    *,
    exact: bool,
    distance_m: float | None = None,
) -> InstitutionRead:
    """Shapes an institution; a home-based place shows only its ~200 m area unless `exact`."""
    hidden = inst.kind == "home_based" and not exact
    lat, lon = round_location(inst.lat, inst.lon) if hidden else (inst.lat, inst.lon)
    demonstration = (
        Demonstration(level=inst.demonstration_level, year=inst.demonstration_year)
        if inst.demonstration_level and inst.demonstration_year
        else None
    )
    return InstitutionRead(
        id=inst.id,
        name=inst.name,
        district=inst.district,
        address=None if hidden else inst.address,
        location=Location.of(lat, lon, coord_sys, approximate=hidden),
        kind=inst.kind,
        inclusive=inst.inclusive,
        public_owned=inst.public_owned,
        demonstration=demonstration,
        capacity=inst.capacity,
        enrolled=inst.enrolled,
        offered=inst.offered,
        vacancies=inst.capacity - inst.enrolled - inst.offered,
        vacancies_as_of=inst.vacancies_as_of,
        monthly_fee_fen=inst.monthly_fee_fen,
        min_age_months=inst.min_age_months,
        max_age_months=inst.max_age_months,
        opening_hours=inst.opening_hours,
        phone=inst.phone,
        distance_m=None if distance_m is None else round(distance_m, 1),
    )


async def search_institutions(
    session: AsyncSession,
    *,
    filters: InstitutionFilter,
    coord_sys: CoordSys,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
    viewer: Principal | None,
) -> Page[InstitutionRead]:
    """One page of institutions, nearest first when a centre is given."""
    scope = repr(filters)
    after = codec.decode(cursor, scope) if cursor else None
    rows = await repository.search_institutions(session, filters, limit=limit + 1, after=after)
    exact = _sees_exact_location(viewer)
    items = [institution_read(i, coord_sys, exact=exact, distance_m=d) for i, d, _ in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last, _, key = rows[limit - 1]
        values: list[Any] = [last.id] if key is None else [key, last.id]
        next_cursor = codec.encode(values, scope)
    return Page[InstitutionRead](items=items, next_cursor=next_cursor)


async def get_institution(
    session: AsyncSession, *, institution_id: int, coord_sys: CoordSys, viewer: Principal | None
) -> InstitutionRead:
    inst = await repository.get_institution(session, institution_id)
    if inst is None:
        raise InstitutionNotFound(f"Institution {institution_id} does not exist.")
    return institution_read(inst, coord_sys, exact=_sees_exact_location(viewer))
