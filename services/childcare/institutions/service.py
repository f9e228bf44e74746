"""Institution rules: who sees a home-based place exactly, and staff edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, Role
from common.errors import Unprocessable
from common.geo import CoordSys, Location, round_location, to_wgs84
from common.pagination import CursorCodec, Page, keyset_page
from services.childcare.enrollments import repository as enrollment_repository
from services.childcare.enrollments.waitlist import offer_free_places
from services.childcare.institutions import repository
from services.childcare.institutions.errors import CapacityBelowTaken, InstitutionNotFound
from services.childcare.institutions.repository import InstitutionFilter
from services.childcare.institutions.schemas import (
    Demonstration,
    InstitutionCreate,
    InstitutionRead,
    InstitutionUpdate,
)
from services.childcare.models import Institution


def _sees_exact_location(viewer: Principal | None) -> bool:
    return viewer is not None and viewer.has_any(Role.childcare_staff, Role.admin)


async def _place_institutions(session: AsyncSession, viewer: Principal | None) -> set[int]:
    """Where the viewer holds a place as a guardian: those home addresses are theirs to see."""
    if viewer is None or not viewer.has_any(Role.citizen):
        return set()
    return await enrollment_repository.viewer_place_institutions(session, viewer.sub)


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
    staff = _sees_exact_location(viewer)
    places = await _place_institutions(session, viewer)
    return keyset_page(
        rows,
        limit=limit,
        codec=codec,
        scope=scope,
        shape=lambda i, d: institution_read(
            i, coord_sys, exact=staff or i.id in places, distance_m=d
        ),
    )


async def get_institution(
    session: AsyncSession, *, institution_id: int, coord_sys: CoordSys, viewer: Principal | None
) -> InstitutionRead:
    inst = await repository.get_institution(session, institution_id)
    if inst is None:
        raise InstitutionNotFound(f"Institution {institution_id} does not exist.")
    exact = _sees_exact_location(viewer) or inst.id in await _place_institutions(session, viewer)
    return institution_read(inst, coord_sys, exact=exact)


def _institution_values(
    body: InstitutionCreate | InstitutionUpdate, changes: dict[str, Any]
) -> dict[str, Any]:
    values = {
        k: v for k, v in changes.items() if k not in ("location", "coord_sys", "demonstration")
    }
    if "location" in changes and body.location is not None:
        values["lat"], values["lon"] = to_wgs84(
            body.location.lat, body.location.lon, body.coord_sys
        )
    if "demonstration" in changes:
        demo = body.demonstration
        values["demonstration_level"] = demo.level.value if demo else None
        values["demonstration_year"] = demo.year if demo else None
    for key in ("district", "kind"):
        if key in values and values[key] is not None:
            values[key] = values[key].value
    return values


async def create_institution(
    session: AsyncSession, *, body: InstitutionCreate, coord_sys: CoordSys
) -> InstitutionRead:
    values = _institution_values(body, dict(body))
    inst = Institution(**values, enrolled=0, offered=0)
    session.add(inst)
    await session.flush()
    await session.refresh(inst)
    return institution_read(inst, coord_sys, exact=True)


async def update_institution(
    session: AsyncSession,
    *,
    institution_id: int,
    body: InstitutionUpdate,
    coord_sys: CoordSys,
    offer_ttl: timedelta,
) -> InstitutionRead:
    """Changes fields; a higher capacity offers the new places to the waitlist at once."""
    locked = await repository.lock_institutions(session, [institution_id])
    inst = locked.get(institution_id)
    if inst is None:
        raise InstitutionNotFound(f"Institution {institution_id} does not exist.")
    values = _institution_values(body, body.changes())
    lo = values.get("min_age_months", inst.min_age_months)
    hi = values.get("max_age_months", inst.max_age_months)
    if lo > hi:
        raise Unprocessable(
            "min_age_months must not exceed max_age_months.", code="invalid_age_range"
        )
    capacity = values.get("capacity", inst.capacity)
    if capacity < inst.enrolled + inst.offered:
        raise CapacityBelowTaken(
            f"{inst.enrolled} places are taken and {inst.offered} offered; capacity cannot go "
            f"below {inst.enrolled + inst.offered}.",
        )
    for key, value in values.items():
        setattr(inst, key, value)
    if "capacity" in values:
        inst.vacancies_as_of = datetime.now(UTC)
    await session.flush()
    await offer_free_places(session, inst, offer_ttl)
    await session.refresh(inst)
    return institution_read(inst, coord_sys, exact=True)
