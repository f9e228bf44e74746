"""The periodic offer sweeper: expires overdue offers and passes the places on even if nobody
calls the API, one transaction per institution."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.clock import Clock
from common.tasks import periodic
from services.childcare.config import Settings
from services.childcare.enrollments import repository
from services.childcare.enrollments.waitlist import expire_offers
from services.childcare.institutions import repository as institution_repository


async def sweep_expired_offers(
    sessionmaker: async_sessionmaker[AsyncSession], *, clock: Clock, offer_ttl: timedelta
) -> int:
    """Expires every overdue offer; returns how many."""
    async with sessionmaker() as session:
        ids = await repository.expired_offer_institutions(session, clock.now())
    total = 0
    for institution_id in ids:
        async with sessionmaker() as session, session.begin():
            locked = await institution_repository.lock_institutions(session, [institution_id])
            if (inst := locked.get(institution_id)) is not None:
                total += await expire_offers(session, inst, clock=clock, offer_ttl=offer_ttl)
    return total


async def _sweep(app: FastAPI) -> int:
    settings: Settings = app.state.settings
    return await sweep_expired_offers(
        app.state.background_sessionmaker, clock=app.state.clock, offer_ttl=settings.offer_ttl
    )


offer_sweeper = periodic(
    "offers_expired", lambda app: float(app.state.settings.offer_sweep_seconds), _sweep
)
