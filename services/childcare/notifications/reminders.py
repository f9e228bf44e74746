"""The reminder of an offer that expires within 12 hours: written once per offer (its dedupe
key), by a periodic job, whether the offer came from an API call or from the sweeper."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.notifications.hours import city_time
from common.notifications.outbox import Notice
from common.notifications.reminders import reminder_hook, run_reminders
from services.childcare.models import Child, Enrollment, Institution, notification_outbox
from services.childcare.notifications.kinds import OFFER_EXPIRING, OUTBOX

AHEAD = timedelta(hours=12)


async def remind_expiring_offers(session: AsyncSession, *, now: datetime) -> int:
    """Writes the 12-hour reminder of every open offer that has none yet; returns how many."""
    key = literal("offer_expiring/") + Enrollment.id.cast(notification_outbox.c.kind.type)
    rows = await session.execute(
        select(
            Enrollment.id,
            Enrollment.guardian_sub,
            Enrollment.offer_expires_at,
            Child.name,
            Institution.name,
        )
        .join(Child, Child.id == Enrollment.child_id)
        .join(Institution, Institution.id == Enrollment.institution_id)
        .where(
            Enrollment.status == "offered",
            Enrollment.offer_expires_at > now,
            Enrollment.offer_expires_at <= now + AHEAD,
            ~exists().where(
                notification_outbox.c.dedupe_key == key + "/" + Enrollment.guardian_sub
            ),
        )
    )
    written = 0
    for ident, guardian, expires, child_name, institution_name in rows.all():
        assert expires is not None  # an offer has its expiry (a CHECK says so)
        written += await OUTBOX.emit(
            session,
            Notice(
                OFFER_EXPIRING,
                [guardian],
                f"enrollment/{ident}",
                {
                    "child_name": child_name,
                    "institution_name": institution_name,
                    "enrollment_id": ident,
                    "deadline": city_time(expires),
                    "offer_expires_at": expires.isoformat(),
                },
                dedupe_key=f"offer_expiring/{ident}",
            ),
            now=now,
        )
    return written


async def remind(sessionmaker: async_sessionmaker[AsyncSession], *, now: datetime) -> int:
    return await run_reminders(sessionmaker, _job, now=now)


async def _job(session: AsyncSession, now: datetime) -> int:
    return await remind_expiring_offers(session, now=now)


offer_reminders = reminder_hook("offer_reminders_written", _job)
