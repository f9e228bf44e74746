"""The notices of a fair registration and of staff decisions on applications, written in the
transaction of the change (from the same read the answer is made of)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.notifications.hours import city_time
from common.notifications.outbox import Notice
from services.jobs.fairs.schemas import FairRegistrationRead
from services.jobs.notifications.kinds import (
    APPROVED,
    FAIR_REGISTERED,
    OUTBOX,
    PAID,
    REJECTED,
)
from services.jobs.programmes.schemas import ApplicationRead

DECIDED = {"approved": APPROVED, "rejected": REJECTED, "disbursed": PAID}


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


async def fair_registered(
    session: AsyncSession, registration: FairRegistrationRead, *, citizen_sub: str, now: datetime
) -> None:
    await OUTBOX.emit(
        session,
        Notice(
            FAIR_REGISTERED,
            [citizen_sub],
            f"fair-registration/{registration.id}",
            {
                "fair_id": registration.fair_id,
                "fair_name": registration.fair_name,
                "venue": registration.venue,
                "starts": city_time(registration.starts_at),
                "starts_at": registration.starts_at.isoformat(),
            },
        ),
        now=now,
    )


async def application_decided(
    session: AsyncSession, application: ApplicationRead, *, now: datetime
) -> None:
    kind = DECIDED[application.status.value]
    await OUTBOX.emit(
        session,
        Notice(
            kind,
            [application.citizen_sub],
            f"application/{application.id}",
            {
                "programme_id": application.programme_id,
                "programme_name": application.programme_name,
                "status": application.status.value,
                "amount_fen": application.amount_fen,
                "amount_yuan": yuan(application.amount_fen),
                "reason": application.decision_note if kind == REJECTED else None,
                "payment_reference": application.payment_reference if kind == PAID else None,
            },
        ),
        now=now,
    )
