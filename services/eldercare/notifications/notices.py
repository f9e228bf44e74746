"""The notices of eldercare's changes, written in the transaction of the change. An elder's
notice goes to the elder (with an account) and to every family member linked to act for them,
besides whoever made the request or registration."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, union
from sqlalchemy.ext.asyncio import AsyncSession

from common.notifications.hours import city_time
from common.notifications.outbox import Notice
from services.eldercare.models import (
    Activity,
    ActivityRegistration,
    CareRequest,
    Elder,
    ElderFamily,
    Renovation,
)
from services.eldercare.notifications.kinds import (
    CARE_ASSIGNED,
    CARE_COMPLETED,
    CLASS_CANCELLED,
    CLASS_CHANGED,
    OUTBOX,
    RENOVATION_STEP,
    SEAT_GIVEN,
)

Params = dict[str, str | int | None]


async def elder_people(session: AsyncSession, elder_id: int) -> tuple[str, list[str]]:
    """The elder's name and who acts for them: the elder's own account and linked family."""
    name = await session.scalar(select(Elder.name).where(Elder.id == elder_id))
    subs = await session.scalars(
        union(
            select(Elder.subject_sub).where(Elder.id == elder_id, Elder.subject_sub.is_not(None)),
            select(ElderFamily.citizen_sub).where(ElderFamily.elder_id == elder_id),
        )
    )
    return str(name or ""), [s for s in subs.all() if s]


def activity_params(activity: Activity) -> Params:
    return {
        "activity_id": activity.id,
        "activity_title": activity.title,
        "place": activity.place,
        "starts": city_time(activity.starts_at),
        "ends": city_time(activity.ends_at),
        "starts_at": activity.starts_at.isoformat(),
    }


async def registration_notice(
    session: AsyncSession, registration: ActivityRegistration, kind: str, params: Params
) -> Notice:
    recipients = [registration.registrant_sub]
    participant = ""
    if registration.elder_id is not None:
        participant, family = await elder_people(session, registration.elder_id)
        recipients += family
        params = {**params, "elder_id": registration.elder_id}
    return Notice(
        kind,
        recipients,
        f"activity-registration/{registration.id}",
        {**params, "participant": participant, "registration_id": registration.id},
    )


async def registrations(
    session: AsyncSession,
    activity: Activity,
    regs: Iterable[ActivityRegistration],
    kind: str,
    *,
    now: datetime,
) -> None:
    """One notice per registration of `activity` (its participant's people)."""
    params = activity_params(activity)
    for registration in regs:
        notice = await registration_notice(session, registration, kind, params)
        await OUTBOX.emit(session, notice, now=now)


async def seats_given(
    session: AsyncSession,
    activity: Activity,
    regs: Iterable[ActivityRegistration],
    *,
    now: datetime,
) -> None:
    await registrations(session, activity, regs, SEAT_GIVEN, now=now)


async def class_changed(
    session: AsyncSession,
    activity: Activity,
    regs: Iterable[ActivityRegistration],
    *,
    cancelled: bool,
    now: datetime,
) -> None:
    kind = CLASS_CANCELLED if cancelled else CLASS_CHANGED
    await registrations(session, activity, regs, kind, now=now)


async def care_moved(session: AsyncSession, request: CareRequest, *, now: datetime) -> None:
    """Assigned or completed: the elder's people and whoever asked."""
    kind = {"assigned": CARE_ASSIGNED, "completed": CARE_COMPLETED}.get(request.status)
    if kind is None:
        return
    name, people = await elder_people(session, request.elder_id)
    await OUTBOX.emit(
        session,
        Notice(
            kind,
            [request.requested_by_sub, *people],
            f"care-request/{request.id}",
            {
                "care_request_id": request.id,
                "elder_id": request.elder_id,
                "elder_name": name,
                "care_type": request.care_type,
                "provider_name": request.provider_name,
                "status": request.status,
            },
        ),
        now=now,
    )


async def renovation_moved(
    session: AsyncSession, renovation: Renovation, *, was: str, now: datetime
) -> None:
    """A step (a status it moved to): the elder's people and whoever asked."""
    kind = RENOVATION_STEP.get(renovation.status)
    if kind is None or renovation.status == was:
        return
    name, people = await elder_people(session, renovation.elder_id)
    scheduled = renovation.scheduled_for
    await OUTBOX.emit(
        session,
        Notice(
            kind,
            [renovation.requested_by_sub, *people],
            f"renovation/{renovation.id}",
            {
                "renovation_id": renovation.id,
                "elder_id": renovation.elder_id,
                "elder_name": name,
                "status": renovation.status,
                "scheduled_for": scheduled.isoformat() if scheduled else None,
            },
        ),
        now=now,
    )
