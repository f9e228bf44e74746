"""The class-tomorrow reminder: from 18:00 city time, every seat (not the waitlist) at a class
starting tomorrow gets one (its dedupe key), due at 18:00 — and, not being an offer, it is pushed
at once or held until 07:00 if the quiet hours have begun."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common.notifications.hours import city_day, evening_before, reminder_day
from common.notifications.reminders import reminder_hook
from services.eldercare.models import Activity, ActivityRegistration
from services.eldercare.notifications import notices
from services.eldercare.notifications.kinds import CLASS_TOMORROW, OUTBOX


async def remind_classes_tomorrow(session: AsyncSession, now: datetime) -> int:
    day = reminder_day(now)
    if day is None:
        return 0
    start, end = city_day(day)
    found = await session.execute(
        select(Activity, ActivityRegistration)
        .join(ActivityRegistration, ActivityRegistration.activity_id == Activity.id)
        .where(
            Activity.status == "scheduled",
            Activity.starts_at >= start,
            Activity.starts_at < end,
            ActivityRegistration.status == "registered",
        )
    )
    written = 0
    for activity, registration in found.all():
        notice = await notices.registration_notice(
            session, registration, CLASS_TOMORROW, notices.activity_params(activity)
        )
        written += await OUTBOX.emit(
            session,
            replace(
                notice, due_at=evening_before(day), dedupe_key=f"class_tomorrow/{registration.id}"
            ),
            now=now,
        )
    return written


class_reminders = reminder_hook("class_reminders_written", remind_classes_tomorrow)
