"""Enrollment rules: apply (enrolled while a place is free, else FIFO waitlist), and the
guardian's moves on an application: accept, decline, withdraw."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Unprocessable
from common.pagination import CursorCodec, Page
from services.childcare.children import repository as child_repository
from services.childcare.children.errors import ChildNotFound, ChildTooOld, ChildTooYoung
from services.childcare.children.service import child_read, city_today, months_between
from services.childcare.enrollments import repository
from services.childcare.enrollments.errors import (
    ChildAlreadyEnrolled,
    DuplicateApplication,
    EnrollmentNotFound,
    InvalidTransition,
    OfferExpired,
)
from services.childcare.enrollments.schemas import EnrollmentCreate, EnrollmentRead, MeSummary
from services.childcare.enrollments.waitlist import expire_offers, offer_free_places
from services.childcare.institutions import repository as institution_repository
from services.childcare.institutions.errors import InstitutionNotFound
from services.childcare.models import Enrollment, Institution


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
    child = await child_repository.get_child(session, guardian.sub, body.child_id)
    if child is None:
        raise ChildNotFound(f"Child {body.child_id} does not exist.")
    if body.start_date < city_today():
        raise Unprocessable("start_date is in the past.", code="start_date_in_past")
    locked = await institution_repository.lock_institutions(session, [body.institution_id])
    inst = locked.get(body.institution_id)
    if inst is None:
        raise InstitutionNotFound(f"Institution {body.institution_id} does not exist.")
    await expire_offers(session, inst, offer_ttl)
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
    enrolled = await institution_repository.take_place(session, inst.id, "enrolled")
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
    locked = await institution_repository.lock_institutions(
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
        await expire_offers(session, inst, offer_ttl)
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
    await institution_repository.adjust_counts(session, inst.id, enrolled=1, offered=-1)
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
            await institution_repository.adjust_counts(session, other.institution_id, offered=-1)
            await offer_free_places(session, locked[other.institution_id], offer_ttl)
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
    await institution_repository.adjust_counts(session, e.institution_id, offered=-1)
    await offer_free_places(session, locked[e.institution_id], offer_ttl)
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
        await institution_repository.adjust_counts(
            session,
            e.institution_id,
            enrolled=-1 if was == "enrolled" else 0,
            offered=-1 if was == "offered" else 0,
        )
        await offer_free_places(session, locked[e.institution_id], offer_ttl)
    await session.refresh(e)
    return await _enrollment_read(session, e)


async def me_summary(
    session: AsyncSession, *, guardian: Principal, codec: CursorCodec
) -> MeSummary:
    children = await child_repository.list_children(session, guardian.sub, limit=100, after_id=None)
    enrollments = await list_enrollments(
        session, guardian=guardian, limit=50, cursor=None, codec=codec
    )
    return MeSummary(children=[child_read(c) for c in children], enrollments=enrollments.items)
