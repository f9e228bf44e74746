"""The notices of an enrollment's moves, written in the transaction that makes the move: the
guardian learns of an offer (whoever made it, the sweeper included), an enrolment, and a
waitlist place given up (withdrawn, declined, expired)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common.notifications.hours import city_time
from common.notifications.outbox import Notice
from services.childcare.models import Child, Enrollment, Institution
from services.childcare.notifications.kinds import ENROLLED, OFFER_MADE, OUTBOX, WAITLIST_LEFT

__all__ = ["OUTBOX", "enrolled", "enrollment_moved", "notice_of"]

GIVEN_UP = {"withdrawn", "declined", "expired"}


async def _names(session: AsyncSession, enrollment: Enrollment) -> tuple[str, str]:
    found = (
        await session.execute(
            select(
                select(Child.name).where(Child.id == enrollment.child_id).scalar_subquery(),
                select(Institution.name)
                .where(Institution.id == enrollment.institution_id)
                .scalar_subquery(),
            )
        )
    ).one()
    return found[0], found[1]


def notice_of(
    enrollment: Enrollment, *, was: str, child_name: str, institution_name: str
) -> Notice | None:
    """The notice an enrollment's move to its present status gives, if any."""
    status = enrollment.status
    params: dict[str, str | int | None] = {
        "child_name": child_name,
        "institution_name": institution_name,
        "enrollment_id": enrollment.id,
        "status": status,
    }
    subject = f"enrollment/{enrollment.id}"
    recipients = [enrollment.guardian_sub]
    if status == "offered" and enrollment.offer_expires_at is not None:
        params["deadline"] = city_time(enrollment.offer_expires_at)
        params["offer_expires_at"] = enrollment.offer_expires_at.isoformat()
        return Notice(OFFER_MADE, recipients, subject, params)
    if status == "enrolled":
        return enrolled(
            enrollment.id,
            guardian_sub=enrollment.guardian_sub,
            child_name=child_name,
            institution_name=institution_name,
            start_date=enrollment.start_date,
        )
    if status in GIVEN_UP and was in ("waitlisted", "offered"):
        return Notice(WAITLIST_LEFT, recipients, subject, params)
    return None


def enrolled(
    enrollment_id: int,
    *,
    guardian_sub: str,
    child_name: str,
    institution_name: str,
    start_date: date,
) -> Notice:
    return Notice(
        ENROLLED,
        [guardian_sub],
        f"enrollment/{enrollment_id}",
        {
            "child_name": child_name,
            "institution_name": institution_name,
            "enrollment_id": enrollment_id,
            "status": "enrolled",
            "start_date": start_date.isoformat(),
        },
    )


async def enrollment_moved(
    session: AsyncSession, enrollment: Enrollment, *, was: str, now: datetime
) -> None:
    """Writes the notice of the move `was` → the enrollment's status, if it gives one."""
    if enrollment.status not in ("offered", "enrolled") and enrollment.status not in GIVEN_UP:
        return
    child_name, institution_name = await _names(session, enrollment)
    notice = notice_of(
        enrollment, was=was, child_name=child_name, institution_name=institution_name
    )
    if notice is not None:
        await OUTBOX.emit(session, notice, now=now)
