"""The periodic offer sweeper: expires overdue offers and passes the places on even if nobody
calls the API, one transaction per institution."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.clock import Clock
from common.state import service_context
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


def _settings(app: FastAPI) -> Settings:
    settings = service_context(app).settings
    assert isinstance(settings, Settings)
    return settings


async def _sweep(app: FastAPI) -> int:
    context = service_context(app)
    return await sweep_expired_offers(
        context.database.background_sessionmaker,
        clock=context.clock,
        offer_ttl=_settings(app).offer_ttl,
    )


offer_sweeper = periodic(
    "offers_expired", lambda app: float(_settings(app).offer_sweep_seconds), _sweep
)
