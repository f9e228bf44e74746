"""Institution rules: the public directory (who sees a home-based place exactly) and staff
edits (a place must lie in its district; capacity changes re-balance the waitlist)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, Role
from common.clock import Clock
from common.districts import ensure_in_district
from common.geo import CoordSys, to_wgs84
from common.i18n import t
from common.opening_hours import LocalMoment, rows_of
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.childcare.enrollments import repository as enrollment_repository
from services.childcare.enrollments.waitlist import offer_free_places
from services.childcare.institutions import repository
from services.childcare.institutions.errors import (
    CapacityBelowTaken,
    InstitutionNotFound,
    InvalidAgeRange,
)
from services.childcare.institutions.repository import InstitutionFilter
from services.childcare.institutions.schemas import (
    InstitutionCreate,
    InstitutionRead,
    InstitutionUpdate,
)
from services.childcare.models import Institution


async def _exact_for(conn: asyncpg.Connection, viewer: Principal | None) -> bool | set[int]:
    """True for staff (every place exactly); else the institutions where the viewer, as a
    guardian, holds an enrolled or offered place — those homes are theirs to see."""
    if viewer is None:
        return set()
    if viewer.has_any(Role.childcare_staff, Role.admin):
        return True
    if not viewer.has_any(Role.citizen):
        return set()
    return await enrollment_repository.place_institutions(conn, viewer.sub)


async def search_institutions(
    reader: Reader,
    *,
    filters: InstitutionFilter,
    near: tuple[float, float, int] | None,
    coord_sys: CoordSys,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
    viewer: Principal | None,
    at: LocalMoment,
) -> Page[InstitutionRead]:
    """One page of institutions, nearest (published point) first when a centre is given."""
    async with reader.connection() as conn:
        exact = await _exact_for(conn, viewer)
        return await repository.search_for(filters, near=near is not None).page(
            conn,
            filters,
            near=near,
            limit=limit,
            cursor=cursor,
            codec=codec,
            # the moment of `open_now` moves between pages; whether it was asked does not
            scope=repr((replace(filters, open_at=None, closed_at=None), _asked(filters), near)),
            shape=lambda hit: InstitutionRead.of(
                hit,
                coord_sys,
                exact=exact is True or (exact is not False and hit.id in exact),
                at=at,
                distance_m=hit.distance_m,
            ),
        )


def _asked(filters: InstitutionFilter) -> bool | None:
    return True if filters.open_at is not None else False if filters.closed_at is not None else None


async def get_institution(
    reader: Reader,
    *,
    institution_id: int,
    coord_sys: CoordSys,
    viewer: Principal | None,
    at: LocalMoment,
) -> InstitutionRead:
    async with reader.connection() as conn:
        row = await repository.GET.one(conn, InstitutionNotFound, id=institution_id)
        exact = await _exact_for(conn, viewer)
    seen_exactly = exact is True or (exact is not False and institution_id in exact)
    return InstitutionRead.of(row, coord_sys, exact=seen_exactly, at=at)


# --- staff edits ---------------------------------------------------------------------------


def _check_age_range(lo: int, hi: int) -> None:
    if lo > hi:
        raise InvalidAgeRange(
            t("min_age_months ({lo}) must not exceed max_age_months ({hi}).", lo=lo, hi=hi)
        )


def _values(
    body: InstitutionCreate | InstitutionUpdate, changes: dict[str, Any], coord_sys: CoordSys
) -> dict[str, Any]:
    values = {k: v for k, v in changes.items() if k not in ("location", "demonstration")}
    if changes.get("location") is not None and body.location is not None:
        values["lat"], values["lon"] = to_wgs84(body.location.lat, body.location.lon, coord_sys)
    if "demonstration" in changes:
        demo = body.demonstration
        values["demonstration_level"] = demo.level.value if demo else None
        values["demonstration_year"] = demo.year if demo else None
    if "weekly_hours" in changes and body.weekly_hours is not None:
        values["weekly_hours"] = [list(row) for row in rows_of(body.weekly_hours)]
    for key in ("district", "kind"):
        if values.get(key) is not None:
            values[key] = values[key].value
    return values


async def create_institution(
    session: AsyncSession, *, body: InstitutionCreate, coord_sys: CoordSys, clock: Clock
) -> InstitutionRead:
    values = _values(body, body.model_dump(exclude={"coord_sys"}), coord_sys)
    _check_age_range(values["min_age_months"], values["max_age_months"])
    ensure_in_district(values["district"], values["lat"], values["lon"])
    inst = Institution(**values, enrolled=0, offered=0)
    session.add(inst)
    await session.flush()
    row = await repository.GET.one_in(session, InstitutionNotFound, id=inst.id)
    return InstitutionRead.of(row, coord_sys, exact=True, at=LocalMoment.of(clock.now()))


async def update_institution(
    session: AsyncSession,
    *,
    institution_id: int,
    body: InstitutionUpdate,
    coord_sys: CoordSys,
    clock: Clock,
    offer_ttl: timedelta,
) -> InstitutionRead:
    """Changes fields; a higher capacity offers the new places to the waitlist at once."""
    locked = await repository.lock_institutions(session, [institution_id])
    inst = locked.get(institution_id)
    if inst is None:
        raise InstitutionNotFound(id=institution_id)
    values = _values(body, body.changes(), coord_sys)
    _check_age_range(
        values.get("min_age_months", inst.min_age_months),
        values.get("max_age_months", inst.max_age_months),
    )
    ensure_in_district(
        values.get("district", inst.district),
        values.get("lat", inst.lat),
        values.get("lon", inst.lon),
    )
    capacity = values.get("capacity", inst.capacity)
    if capacity < inst.enrolled + inst.offered:
        raise CapacityBelowTaken(
            t(
                "Places taken: {enrolled}, offered: {offered}; capacity cannot go below {taken}.",
                enrolled=inst.enrolled,
                offered=inst.offered,
                taken=inst.enrolled + inst.offered,
            ),
        )
    for key, value in values.items():
        setattr(inst, key, value)
    if "capacity" in values:
        inst.vacancies_as_of = clock.now()
    await session.flush()
    await offer_free_places(session, inst, clock=clock, offer_ttl=offer_ttl)
    row = await repository.GET.one_in(session, InstitutionNotFound, id=inst.id)
    return InstitutionRead.of(row, coord_sys, exact=True, at=LocalMoment.of(clock.now()))
