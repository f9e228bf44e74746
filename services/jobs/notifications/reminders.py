"""The fair-tomorrow reminder: from 18:00 city time, every seat at a fair starting tomorrow gets
one (its dedupe key), due at 18:00 — a seat taken later that evening gets it at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common.notifications.hours import city_day, city_time, evening_before, reminder_day
from common.notifications.outbox import Notice
from common.notifications.reminders import reminder_hook
from services.jobs.models import Fair, FairRegistration
from services.jobs.notifications.kinds import FAIR_TOMORROW, OUTBOX


async def remind_fairs_tomorrow(session: AsyncSession, now: datetime) -> int:
    day = reminder_day(now)
    if day is None:
        return 0
    start, end = city_day(day)
    rows = await session.execute(
        select(
            FairRegistration.id,
            FairRegistration.citizen_sub,
            Fair.id,
            Fair.name,
            Fair.venue,
            Fair.starts_at,
        )
        .join(Fair, Fair.id == FairRegistration.fair_id)
        .where(
            FairRegistration.status == "registered",
            Fair.starts_at >= start,
            Fair.starts_at < end,
        )
    )
    written = 0
    for ident, sub, fair_id, name, venue, starts_at in rows.all():
        written += await OUTBOX.emit(
            session,
            Notice(
                FAIR_TOMORROW,
                [sub],
                f"fair-registration/{ident}",
                {
                    "fair_id": fair_id,
                    "fair_name": name,
                    "venue": venue,
                    "starts": city_time(starts_at),
                    "starts_at": starts_at.isoformat(),
                },
                due_at=evening_before(day),
                dedupe_key=f"fair_tomorrow/{ident}",
            ),
            now=now,
        )
    return written


fair_reminders = reminder_hook("fair_reminders_written", remind_fairs_tomorrow)
