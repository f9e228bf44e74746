"""The waitlist rules every place-freeing path shares (the institution row is locked by the
caller): offer free places FIFO to children who can take them, expire overdue offers and pass
their places on, and clear a child's other applications when the child takes a place."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import Clock
from services.childcare.children.ages import in_range
from services.childcare.enrollments import repository
from services.childcare.enrollments.lifecycle import move
from services.childcare.institutions import repository as institution_repository
from services.childcare.models import Institution
from services.childcare.notifications import notices


async def offer_free_places(
    session: AsyncSession, inst: Institution, *, clock: Clock, offer_ttl: timedelta
) -> int:
    """Offers every free place to the head of the waitlist; returns how many were offered.

    A child who holds a place anywhere (by identity) is passed over; one outside the age range
    on the start date the offer would carry becomes `ineligible`; a start date already past
    moves to today."""
    await session.refresh(inst)
    free = inst.capacity - inst.enrolled - inst.offered
    now, today = clock.now(), clock.today()
    offered = 0
    while free > 0:
        heads = await repository.waitlist_head(session, inst.id, free)
        if not heads:
            break
        for enrollment, birth_date in heads:
            start = max(enrollment.start_date, today)
            if not in_range(birth_date, start, inst.min_age_months, inst.max_age_months):
                move(enrollment, "ineligible", now)
                continue
            enrollment.start_date = start
            move(enrollment, "offered", now, offer_expires_at=now + offer_ttl)
            await notices.enrollment_moved(session, enrollment, was="waitlisted", now=now)
            offered += 1
            free -= 1
        await session.flush()
    if offered:
        await institution_repository.adjust_counts(session, inst.id, offered=offered)
        await session.refresh(inst)
    return offered


async def expire_offers(
    session: AsyncSession, inst: Institution, *, clock: Clock, offer_ttl: timedelta
) -> int:
    """Expires the institution's overdue offers and passes their places on; returns how many."""
    expired = await repository.expired_offers(session, inst.id, clock.now())
    for enrollment in expired:
        move(enrollment, "expired", clock.now())
        await notices.enrollment_moved(session, enrollment, was="offered", now=clock.now())
    if expired:
        await session.flush()
        await institution_repository.adjust_counts(session, inst.id, offered=-len(expired))
        await offer_free_places(session, inst, clock=clock, offer_ttl=offer_ttl)
    return len(expired)


async def withdraw_other_applications(
    session: AsyncSession,
    *,
    child_id: int,
    keep: int,
    locked: dict[int, Institution],
    clock: Clock,
    offer_ttl: timedelta,
) -> None:
    """The child took a place: every other waiting or offered application is withdrawn, and an
    offered place goes on to the next child. Read afresh here, and any institution not yet
    locked is locked now, so an application that appeared meanwhile is handled too."""
    for other in await repository.active_applications(session, child_id):
        if other.id == keep:
            continue
        was = move(other, "withdrawn", clock.now())
        await notices.enrollment_moved(session, other, was=was, now=clock.now())
        await session.flush()
        if was == "offered":
            await institution_repository.adjust_counts(session, other.institution_id, offered=-1)
            inst = locked.get(other.institution_id)
            if inst is None:
                locked.update(
                    await institution_repository.lock_institutions(session, [other.institution_id])
                )
                inst = locked[other.institution_id]
            await offer_free_places(session, inst, clock=clock, offer_ttl=offer_ttl)
