"""The waitlist rules every place-freeing path shares: offer free places to the head of the
waitlist, expire overdue offers and pass their places on. The institution row is locked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.childcare.enrollments import repository
from services.childcare.institutions import repository as institution_repository
from services.childcare.models import Institution


async def offer_free_places(session: AsyncSession, inst: Institution, offer_ttl: timedelta) -> None:
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
        await institution_repository.adjust_counts(session, inst.id, offered=len(heads))
        await session.refresh(inst)


async def expire_offers(session: AsyncSession, inst: Institution, offer_ttl: timedelta) -> int:
    expired = await repository.expired_offers(session, inst.id)
    for enrollment in expired:
        enrollment.status = "expired"
        enrollment.offer_expires_at = None
        enrollment.status_changed_at = datetime.now(UTC)
    if expired:
        await session.flush()
        await institution_repository.adjust_counts(session, inst.id, offered=-len(expired))
        await offer_free_places(session, inst, offer_ttl)
    return len(expired)
