"""Childcare rules. Routes call these; they raise domain errors that become problem+json."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.auth import Principal, Role
from common.errors import Conflict, NotFound, Unprocessable
from common.geo import CoordSys, Location, round_location, to_wgs84
from common.pagination import CursorCodec, Page, keyset_page
from common.personal_data import (
    id_number_hash,
    is_valid_id_number,
    mask_id_number,
    normalize_id_number,
)
from services.childcare import repository
from services.childcare.models import AccessAudit, Child, Enrollment, Institution
from services.childcare.repository import InstitutionFilter
from services.childcare.schemas import (
    ChildCreate,
    ChildRead,
    Demonstration,
    EnrollmentCreate,
    EnrollmentRead,
    InstitutionCreate,
    InstitutionRead,
    InstitutionUpdate,
    MeSummary,
    Roster,
    RosterEntry,
)


class InstitutionNotFound(NotFound):
    code = "institution_not_found"


def _sees_exact_location(viewer: Principal | None) -> bool:
    return viewer is not None and viewer.has_any(Role.childcare_staff, Role.admin)


async def _place_institutions(session: AsyncSession, viewer: Principal | None) -> set[int]:
    """Where the viewer holds a place as a guardian: those home addresses are theirs to see."""
    if viewer is None or not viewer.has_any(Role.citizen):
        return set()
    return await repository.viewer_place_institutions(session, viewer.sub)


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


# --- errors ---------------------------------------------------------------------------------


class ChildNotFound(NotFound):
    code = "child_not_found"


class EnrollmentNotFound(NotFound):
    code = "enrollment_not_found"


class ChildAlreadyRegistered(Conflict):
    code = "child_already_registered"


class ChildTooYoung(Unprocessable):
    code = "child_too_young"


class ChildTooOld(Unprocessable):
    code = "child_too_old"


class ChildAlreadyEnrolled(Conflict):
    code = "child_already_enrolled"


class DuplicateApplication(Conflict):
    code = "duplicate_application"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class OfferExpired(Conflict):
    code = "offer_expired"


class CapacityBelowTaken(Conflict):
    code = "capacity_below_taken"


# --- time and ages --------------------------------------------------------------------------

CITY_TZ = ZoneInfo("Asia/Shanghai")


def city_today() -> date:
    return datetime.now(CITY_TZ).date()


def months_between(birth: date, on: date) -> int:
    """Completed months of age on `on`."""
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    return months - 1 if on.day < birth.day else months


# --- children -------------------------------------------------------------------------------


def child_read(child: Child) -> ChildRead:
    return ChildRead(
        id=child.id,
        name=child.name,
        birth_date=child.birth_date,
        age_months=max(0, months_between(child.birth_date, city_today())),
        id_number_masked=child.id_number_masked,
        created_at=child.created_at,
    )


async def register_child(
    session: AsyncSession, *, guardian: Principal, body: ChildCreate, id_hash_key: str
) -> ChildRead:
    """A guardian registers a child under 3; the national ID is kept only as keyed hash + mask."""
    today = city_today()
    if body.birth_date > today:
        raise Unprocessable("The birth date is in the future.", code="birth_date_in_future")
    if months_between(body.birth_date, today) >= 36:
        raise ChildTooOld("This service is for children under 3 years old.")
    id_hash = id_masked = None
    if body.id_number is not None:
        number = normalize_id_number(body.id_number)
        if not is_valid_id_number(number):
            raise Unprocessable(
                "id_number is not a valid 18-character national ID number.",
                code="invalid_id_number",
            )
        id_hash, id_masked = id_number_hash(number, id_hash_key), mask_id_number(number)
    child = Child(
        guardian_sub=guardian.sub,
        name=body.name,
        birth_date=body.birth_date,
        id_number_hash=id_hash,
        id_number_masked=id_masked,
    )
    session.add(child)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise ChildAlreadyRegistered("This child is already registered.") from exc
    await session.refresh(child)
    return child_read(child)


async def list_children(
    session: AsyncSession,
    *,
    guardian: Principal,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
) -> Page[ChildRead]:
    after = codec.decode(cursor, "children") if cursor else None
    rows = await repository.list_children(
        session, guardian.sub, limit=limit + 1, after_id=int(after[0]) if after else None
    )
    next_cursor = codec.encode([rows[limit - 1].id], "children") if len(rows) > limit else None
    return Page[ChildRead](items=[child_read(c) for c in rows[:limit]], next_cursor=next_cursor)


async def get_child(session: AsyncSession, *, guardian: Principal, child_id: int) -> ChildRead:
    child = await repository.get_child(session, guardian.sub, child_id)
    if child is None:
        raise ChildNotFound(f"Child {child_id} does not exist.")
    return child_read(child)


# --- enrollments: the waitlist rules ---------------------------------------------------------


async def _offer_free_places(
    session: AsyncSession, inst: Institution, offer_ttl: timedelta
) -> None:
    """Offers every free place to the head of the waitlist (the institution row is locked)."""
    await session.refresh(inst)
    free = inst.capacity - inst.enrolled - inst.offered
    if free <= 0:
        return
    heads = await repository.waitlist_head(session, inst.id, free)
    for head in heads:
        head.status = "offered"
        head.offer_expires_at = datetime.now(UTC) + offer_ttl
        head.status_changed_at = datetime.now(UTC)
    if heads:
        await session.flush()
        await repository.adjust_counts(session, inst.id, offered=len(heads))
        await session.refresh(inst)


async def _expire_offers(session: AsyncSession, inst: Institution, offer_ttl: timedelta) -> int:
    expired = await repository.expired_offers(session, inst.id)
    for enrollment in expired:
        enrollment.status = "expired"
        enrollment.offer_expires_at = None
        enrollment.status_changed_at = datetime.now(UTC)
    if expired:
        await session.flush()
        await repository.adjust_counts(session, inst.id, offered=-len(expired))
        await _offer_free_places(session, inst, offer_ttl)
    return len(expired)


async def sweep_institution(
    session: AsyncSession, institution_id: int, offer_ttl: timedelta
) -> int:
    """Expires overdue offers of one institution and passes the places on; returns how many."""
    locked = await repository.lock_institutions(session, [institution_id])
    inst = locked.get(institution_id)
    return 0 if inst is None else await _expire_offers(session, inst, offer_ttl)


async def sweep_expired_offers(
    sessionmaker: async_sessionmaker[AsyncSession], offer_ttl: timedelta
) -> int:
    """The periodic task: one transaction per institution with overdue offers."""
    async with sessionmaker() as session:
        ids = await repository.expired_offer_institutions(session)
    total = 0
    for institution_id in ids:
        async with sessionmaker() as session, session.begin():
            total += await sweep_institution(session, institution_id, offer_ttl)
    return total


def enrollment_read(
    e: Enrollment, child_name: str, institution_name: str, position: int | None
) -> EnrollmentRead:
    return EnrollmentRead(
        id=e.id,
        child_id=e.child_id,
        child_name=child_name,
        institution_id=e.institution_id,
        institution_name=institution_name,
        status=e.status,
        start_date=e.start_date,
        waitlist_position=position,
        offer_expires_at=e.offer_expires_at,
        applied_at=e.applied_at,
        status_changed_at=e.status_changed_at,
    )


async def _enrollment_read(
    session: AsyncSession, e: Enrollment, names: tuple[str, str] | None = None
) -> EnrollmentRead:
    child_name, institution_name = names or await repository.names_of(session, e)
    positions = (
        await repository.waitlist_positions(session, [e.id]) if e.status == "waitlisted" else {}
    )
    return enrollment_read(e, child_name, institution_name, positions.get(e.id))


async def apply(
    session: AsyncSession, *, guardian: Principal, body: EnrollmentCreate, offer_ttl: timedelta
) -> EnrollmentRead:
    """Enrolled while a place is free, else waitlisted (FIFO); capacity is never exceeded."""
    child = await repository.get_child(session, guardian.sub, body.child_id)
    if child is None:
        raise ChildNotFound(f"Child {body.child_id} does not exist.")
    if body.start_date < city_today():
        raise Unprocessable("start_date is in the past.", code="start_date_in_past")
    locked = await repository.lock_institutions(session, [body.institution_id])
    inst = locked.get(body.institution_id)
    if inst is None:
        raise InstitutionNotFound(f"Institution {body.institution_id} does not exist.")
    await _expire_offers(session, inst, offer_ttl)
    age = months_between(child.birth_date, body.start_date)
    if age < inst.min_age_months:
        raise ChildTooYoung(
            f"On {body.start_date} the child will be {max(age, 0)} months old; this institution "
            f"takes children from {inst.min_age_months} months.",
            age_months=max(age, 0),
        )
    if age > inst.max_age_months:
        raise ChildTooOld(
            f"On {body.start_date} the child will be {age} months old; this institution takes "
            f"children up to {inst.max_age_months} months.",
            age_months=age,
        )
    for other in await repository.active_applications(session, child.id):
        if other.institution_id == inst.id:
            raise DuplicateApplication(
                "This child already has an active application to this institution.",
                enrollment_id=other.id,
            )
        if other.status == "enrolled":
            raise ChildAlreadyEnrolled(
                "This child already holds a place; withdraw it before applying elsewhere.",
                enrollment_id=other.id,
            )
    enrolled = await repository.take_place(session, inst.id, "enrolled")
    enrollment = Enrollment(
        child_id=child.id,
        institution_id=inst.id,
        guardian_sub=guardian.sub,
        status="enrolled" if enrolled else "waitlisted",
        start_date=body.start_date,
    )
    session.add(enrollment)
    try:
        await session.flush()
    except IntegrityError as exc:  # the partial unique indexes are the backstop
        raise DuplicateApplication("This child already has an active application here.") from exc
    await session.refresh(enrollment)
    return await _enrollment_read(session, enrollment, (child.name, inst.name))


async def list_enrollments(
    session: AsyncSession,
    *,
    guardian: Principal,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
) -> Page[EnrollmentRead]:
    before = codec.decode(cursor, "enrollments") if cursor else None
    rows = await repository.list_enrollments(
        session, guardian.sub, limit=limit + 1, before_id=int(before[0]) if before else None
    )
    page = rows[:limit]
    positions = await repository.waitlist_positions(
        session, [e.id for e, _, _ in page if e.status == "waitlisted"]
    )
    items = [enrollment_read(e, c, i, positions.get(e.id)) for e, c, i in page]
    next_cursor = codec.encode([page[-1][0].id], "enrollments") if len(rows) > limit else None
    return Page[EnrollmentRead](items=items, next_cursor=next_cursor)


async def get_enrollment(
    session: AsyncSession, *, guardian: Principal, enrollment_id: int
) -> EnrollmentRead:
    e = await repository.get_enrollment(session, enrollment_id, guardian_sub=guardian.sub)
    if e is None:
        raise EnrollmentNotFound(f"Enrollment {enrollment_id} does not exist.")
    return await _enrollment_read(session, e)


async def _locked_enrollment(
    session: AsyncSession,
    guardian: Principal,
    enrollment_id: int,
    extra_institutions: list[int] | None = None,
) -> tuple[Enrollment, dict[int, Institution]]:
    e = await repository.get_enrollment(session, enrollment_id, guardian_sub=guardian.sub)
    if e is None:
        raise EnrollmentNotFound(f"Enrollment {enrollment_id} does not exist.")
    locked = await repository.lock_institutions(
        session, [e.institution_id, *(extra_institutions or [])]
    )
    e = await repository.get_enrollment(session, enrollment_id, lock=True)
    assert e is not None
    return e, locked


async def accept(
    session: AsyncSession, *, guardian: Principal, enrollment_id: int, offer_ttl: timedelta
) -> EnrollmentRead:
    """Offered → enrolled; the child's other waiting applications are withdrawn."""
    first = await repository.get_enrollment(session, enrollment_id, guardian_sub=guardian.sub)
    if first is None:
        raise EnrollmentNotFound(f"Enrollment {enrollment_id} does not exist.")
    others = [
        o for o in await repository.active_applications(session, first.child_id) if o.id != first.id
    ]
    e, locked = await _locked_enrollment(
        session, guardian, enrollment_id, [o.institution_id for o in others]
    )
    inst = locked[e.institution_id]
    if (
        e.status == "offered"
        and e.offer_expires_at is not None
        and e.offer_expires_at < datetime.now(UTC)
    ):
        await _expire_offers(session, inst, offer_ttl)
        raise OfferExpired("The offer expired; the place has passed to the next child.")
    if e.status != "offered":
        raise InvalidTransition(f"Only an offered place can be accepted; this one is {e.status}.")
    for other in await repository.active_applications(session, e.child_id):
        if other.id != e.id and other.status == "enrolled":
            raise ChildAlreadyEnrolled(
                "This child already holds a place elsewhere.", enrollment_id=other.id
            )
    e.status, e.offer_expires_at, e.status_changed_at = "enrolled", None, datetime.now(UTC)
    await session.flush()
    await repository.adjust_counts(session, inst.id, enrolled=1, offered=-1)
    for other in await repository.active_applications(session, e.child_id):
        if other.id == e.id:
            continue
        was = other.status
        other.status, other.offer_expires_at, other.status_changed_at = (
            "withdrawn",
            None,
            datetime.now(UTC),
        )
        await session.flush()
        if was == "offered":
            await repository.adjust_counts(session, other.institution_id, offered=-1)
            await _offer_free_places(session, locked[other.institution_id], offer_ttl)
    await session.refresh(e)
    return await _enrollment_read(session, e)


async def decline(
    session: AsyncSession, *, guardian: Principal, enrollment_id: int, offer_ttl: timedelta
) -> EnrollmentRead:
    """Offered → declined; the place is offered to the next child."""
    e, locked = await _locked_enrollment(session, guardian, enrollment_id)
    if e.status != "offered":
        raise InvalidTransition(f"Only an offered place can be declined; this one is {e.status}.")
    e.status, e.offer_expires_at, e.status_changed_at = "declined", None, datetime.now(UTC)
    await session.flush()
    await repository.adjust_counts(session, e.institution_id, offered=-1)
    await _offer_free_places(session, locked[e.institution_id], offer_ttl)
    await session.refresh(e)
    return await _enrollment_read(session, e)


async def withdraw(
    session: AsyncSession, *, guardian: Principal, enrollment_id: int, offer_ttl: timedelta
) -> EnrollmentRead:
    """Waitlisted, offered or enrolled → withdrawn; a freed place goes to the waitlist head."""
    e, locked = await _locked_enrollment(session, guardian, enrollment_id)
    if e.status not in ("waitlisted", "offered", "enrolled"):
        raise InvalidTransition(f"This application is already {e.status}.")
    was = e.status
    e.status, e.offer_expires_at, e.status_changed_at = "withdrawn", None, datetime.now(UTC)
    await session.flush()
    if was != "waitlisted":
        await repository.adjust_counts(
            session,
            e.institution_id,
            enrolled=-1 if was == "enrolled" else 0,
            offered=-1 if was == "offered" else 0,
        )
        await _offer_free_places(session, locked[e.institution_id], offer_ttl)
    await session.refresh(e)
    return await _enrollment_read(session, e)


# --- staff: institutions and rosters ---------------------------------------------------------


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
    await _offer_free_places(session, inst, offer_ttl)
    await session.refresh(inst)
    return institution_read(inst, coord_sys, exact=True)


async def institution_roster(
    session: AsyncSession,
    *,
    institution_id: int,
    staff: Principal,
    request_id: str | None,
    offer_ttl: timedelta,
) -> Roster:
    """Enrolled, offered and waitlisted children; every read is written to the audit log."""
    locked = await repository.lock_institutions(session, [institution_id])
    inst = locked.get(institution_id)
    if inst is None:
        raise InstitutionNotFound(f"Institution {institution_id} does not exist.")
    await _expire_offers(session, inst, offer_ttl)
    session.add(
        AccessAudit(
            actor_sub=staff.sub,
            actor_roles=",".join(sorted(staff.roles)),
            action="read_roster",
            resource=f"institution/{institution_id}/roster",
            purpose="childcare staff roster review",
            request_id=request_id,
        )
    )
    rows = await repository.roster(session, institution_id)
    positions = await repository.waitlist_positions(
        session, [e.id for e, _ in rows if e.status == "waitlisted"]
    )
    today = city_today()
    entries: dict[str, list[RosterEntry]] = {"enrolled": [], "offered": [], "waitlisted": []}
    for e, child in rows:
        entries[e.status].append(
            RosterEntry(
                enrollment_id=e.id,
                child_id=child.id,
                child_name=child.name,
                age_months=max(0, months_between(child.birth_date, today)),
                id_number_masked=child.id_number_masked,
                status=e.status,
                start_date=e.start_date,
                waitlist_position=positions.get(e.id),
                offer_expires_at=e.offer_expires_at,
                applied_at=e.applied_at,
            )
        )
    await session.flush()
    return Roster(
        institution_id=inst.id,
        capacity=inst.capacity,
        enrolled=entries["enrolled"],
        offered=entries["offered"],
        waitlisted=entries["waitlisted"],
    )


async def me_summary(
    session: AsyncSession, *, guardian: Principal, codec: CursorCodec
) -> MeSummary:
    children = await repository.list_children(session, guardian.sub, limit=100, after_id=None)
    enrollments = await list_enrollments(
        session, guardian=guardian, limit=50, cursor=None, codec=codec
    )
    return MeSummary(children=[child_read(c) for c in children], enrollments=enrollments.items)
