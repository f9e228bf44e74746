"""Enrollment rules: apply (enrolled while a place is free, else the FIFO waitlist) and the
guardian's moves on an application: accept, decline, withdraw. Every counter moves under the
locked institution row and a conditional UPDATE, backed by CHECK and partial UNIQUE indexes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.clock import Clock
from common.db import driver_connection
from common.i18n import t
from services.childcare.children import repository as child_repository
from services.childcare.children.ages import check_in_range
from services.childcare.children.errors import ChildNotFound
from services.childcare.enrollments import repository
from services.childcare.enrollments.errors import (
    ChildAlreadyEnrolled,
    DuplicateApplication,
    EnrollmentNotFound,
    OfferExpired,
    StartDateInPast,
)
from services.childcare.enrollments.lifecycle import ENROLLMENT, move
from services.childcare.enrollments.schemas import (
    EnrollmentCreate,
    EnrollmentRead,
)
from services.childcare.enrollments.waitlist import (
    expire_offers,
    offer_free_places,
    withdraw_other_applications,
)
from services.childcare.institutions import repository as institution_repository
from services.childcare.institutions.errors import InstitutionNotFound
from services.childcare.models import Child, Enrollment, Institution, child_identity
from services.childcare.notifications import notices
from services.childcare.values import EnrollmentStatus


@dataclass(frozen=True)
class Act:
    """A guardian acting on applications: in which transaction, at what time, and how long an
    offer that this act makes will wait."""

    session: AsyncSession
    guardian: Principal
    clock: Clock
    offer_ttl: timedelta


async def _read(session: AsyncSession, enrollment_id: int) -> EnrollmentRead:
    """The enrollment as a read shows it, inside the writing transaction."""
    return EnrollmentRead.of(
        await repository.GET.one_in(session, EnrollmentNotFound, id=enrollment_id)
    )


async def _lock_child(
    act: Act, child_id: int, institution_id: int
) -> tuple[Child, list[Enrollment], dict[int, Institution]]:
    """The child's row first (its applications cannot change while this runs), then its active
    applications and, in id order, the institutions they and `institution_id` concern."""
    child = await child_repository.lock_child(act.session, act.guardian.sub, child_id)
    if child is None:
        raise ChildNotFound(id=child_id)
    active = await repository.active_applications(act.session, child.id)
    locked = await institution_repository.lock_institutions(
        act.session, [institution_id, *(a.institution_id for a in active)]
    )
    return child, active, locked


async def apply(act: Act, body: EnrollmentCreate) -> EnrollmentRead:
    """Enrolled while a place is free, else waitlisted (FIFO); capacity is never exceeded. A
    child who takes a place here leaves every other waitlist at once.

    The common path runs its statements on the transaction's asyncpg connection (compiled once,
    prepared by the driver); the rare ones — an offer that may have expired, other applications
    to withdraw — go through the ORM in the same transaction."""
    session, clock, offer_ttl = act.session, act.clock, act.offer_ttl
    if body.start_date < clock.today():
        raise StartDateInPast(t("start_date is in the past."))
    # the child's row first (through the session: it begins the transaction); while it is
    # locked, the child's applications cannot change
    child = await child_repository.lock_child(session, act.guardian.sub, body.child_id)
    if child is None:
        raise ChildNotFound(id=body.child_id)
    conn = await driver_connection(session)
    active = await repository.ACTIVE_OF_CHILD.rows(conn, child_id=child.id)
    ids = sorted({body.institution_id, *(a.institution_id for a in active)})
    locked = {r.id: r for r in await institution_repository.LOCK_FOR_APPLY.rows(conn, ids=ids)}
    inst = locked.get(body.institution_id)
    if inst is None:
        raise InstitutionNotFound(id=body.institution_id)
    if inst.offered:  # an offer there may have expired: pass its place on first
        orm = await institution_repository.lock_institutions(session, [inst.id])
        await expire_offers(session, orm[inst.id], clock=clock, offer_ttl=offer_ttl)
    check_in_range(
        child.birth_date,
        body.start_date,
        inst.min_age_months,
        inst.max_age_months,
        what=t("this institution"),
    )
    for other in active:
        if other.institution_id == inst.id:
            raise DuplicateApplication(
                t("This child already has an active application to this institution."),
                enrollment_id=other.id,
            )
        if other.status == "enrolled":
            raise ChildAlreadyEnrolled(
                t("This child already holds a place; withdraw it before applying elsewhere."),
                enrollment_id=other.id,
            )
    identity = child_identity(child.id, child.id_number_hash)
    # one statement: a free place, unless the child (by ID, through any guardian's record)
    # already holds one — then the application waits for staff
    enrolled = (
        await institution_repository.TAKE_PLACE.value(conn, id=inst.id, identity=identity)
        is not None
    )
    now = clock.now()
    status = EnrollmentStatus.enrolled if enrolled else EnrollmentStatus.waitlisted
    try:
        enrollment_id = await repository.INSERT.value(
            conn,
            child_id=child.id,
            child_identity=identity,
            institution_id=inst.id,
            guardian_sub=act.guardian.sub,
            status=status.value,
            start_date=body.start_date,
            now=now,
        )
    except asyncpg.UniqueViolationError as exc:  # the partial unique indexes are the backstop
        raise DuplicateApplication(t("This child already has an active application here.")) from exc
    position = None
    if enrolled:  # the guardian's notice, in this transaction
        await notices.OUTBOX.emit_on(
            conn,
            notices.enrolled(
                enrollment_id,
                guardian_sub=act.guardian.sub,
                child_name=child.name,
                institution_name=inst.name,
                start_date=body.start_date,
            ),
            now=now,
        )
    if not enrolled:
        position = await repository.POSITION.value(conn, institution_id=inst.id, id=enrollment_id)
    elif active:  # these are all the child's other applications (its row is locked)
        await withdraw_other_applications(
            session, child_id=child.id, keep=enrollment_id, locked={}, clock=clock,
            offer_ttl=offer_ttl,
        )  # fmt: skip
    return EnrollmentRead(
        id=enrollment_id,
        child_id=child.id,
        child_name=child.name,
        institution_id=inst.id,
        institution_name=inst.name,
        status=status,
        start_date=body.start_date,
        waitlist_position=position,
        offer_expires_at=None,
        applied_at=now,
        status_changed_at=now,
    )


async def _mine(act: Act, enrollment_id: int) -> Enrollment:
    found = await repository.get_enrollment(
        act.session, enrollment_id, guardian_sub=act.guardian.sub
    )
    if found is None:
        raise EnrollmentNotFound(id=enrollment_id)
    return found


async def _locked(act: Act, enrollment_id: int) -> tuple[Enrollment, Institution]:
    """The guardian's enrollment and its institution, both row-locked (institution first)."""
    found = await _mine(act, enrollment_id)
    locked = await institution_repository.lock_institutions(act.session, [found.institution_id])
    enrollment = await repository.get_enrollment(act.session, enrollment_id, lock=True)
    assert enrollment is not None
    return enrollment, locked[enrollment.institution_id]


async def accept(act: Act, enrollment_id: int) -> EnrollmentRead:
    """Offered → enrolled; the child's other applications are withdrawn. An offer past its
    expiry is expired (and its place passed on) even though the accept fails."""
    session, clock, offer_ttl = act.session, act.clock, act.offer_ttl
    found = await _mine(act, enrollment_id)
    child, _, locked = await _lock_child(act, found.child_id, found.institution_id)
    enrollment = await repository.get_enrollment(session, enrollment_id, lock=True)
    assert enrollment is not None
    inst = locked[enrollment.institution_id]
    expires = enrollment.offer_expires_at
    if enrollment.status == "offered" and expires is not None and expires < clock.now():
        await expire_offers(session, inst, clock=clock, offer_ttl=offer_ttl)
        raise OfferExpired(t("The offer expired; the place has passed to the next child."))
    ENROLLMENT.check(enrollment.status, "enrolled")
    if await repository.identity_holds_place(session, enrollment.child_identity):
        raise ChildAlreadyEnrolled(t("This child already holds a place elsewhere."))
    move(enrollment, "enrolled", clock.now())
    await notices.enrollment_moved(session, enrollment, was="offered", now=clock.now())
    await session.flush()
    await institution_repository.adjust_counts(session, inst.id, enrolled=1, offered=-1)
    await withdraw_other_applications(
        session,
        child_id=child.id,
        keep=enrollment.id,
        locked=locked,
        clock=clock,
        offer_ttl=offer_ttl,
    )
    return await _read(session, enrollment.id)


async def decline(act: Act, enrollment_id: int) -> EnrollmentRead:
    """Offered → declined; the place is offered to the next child."""
    session, clock, offer_ttl = act.session, act.clock, act.offer_ttl
    enrollment, inst = await _locked(act, enrollment_id)
    move(enrollment, "declined", clock.now())
    await notices.enrollment_moved(session, enrollment, was="offered", now=clock.now())
    await session.flush()
    await institution_repository.adjust_counts(session, inst.id, offered=-1)
    await offer_free_places(session, inst, clock=clock, offer_ttl=offer_ttl)
    return await _read(session, enrollment.id)


async def withdraw(act: Act, enrollment_id: int) -> EnrollmentRead:
    """Waitlisted, offered or enrolled → withdrawn; a freed place goes to the waitlist head."""
    session, clock, offer_ttl = act.session, act.clock, act.offer_ttl
    enrollment, inst = await _locked(act, enrollment_id)
    was = move(enrollment, "withdrawn", clock.now())
    await notices.enrollment_moved(session, enrollment, was=was, now=clock.now())
    await session.flush()
    if was != "waitlisted":
        await institution_repository.adjust_counts(
            session,
            inst.id,
            enrolled=-1 if was == "enrolled" else 0,
            offered=-1 if was == "offered" else 0,
        )
        await offer_free_places(session, inst, clock=clock, offer_ttl=offer_ttl)
    return await _read(session, enrollment.id)
