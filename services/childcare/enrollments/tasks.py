"""The periodic offer sweeper: expires overdue offers and passes the places on even if nobody
calls the API, one transaction per institution."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import structlog
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.idempotency import purge_expired_keys
from services.childcare.config import Settings
from services.childcare.enrollments import repository
from services.childcare.enrollments.waitlist import expire_offers
from services.childcare.institutions import repository as institution_repository
from services.childcare.models import idempotency_key

log = structlog.get_logger("childcare")


async def sweep_institution(
    session: AsyncSession, institution_id: int, offer_ttl: timedelta
) -> int:
    """Expires overdue offers of one institution and passes the places on; returns how many."""
    locked = await institution_repository.lock_institutions(session, [institution_id])
    inst = locked.get(institution_id)
    return 0 if inst is None else await expire_offers(session, inst, offer_ttl)


async def sweep_expired_offers(
    sessionmaker: async_sessionmaker[AsyncSession], offer_ttl: timedelta
) -> int:
    """The periodic task: one transaction per institution with overdue offers."""
    async with sessionmaker() as session:
        ids = await repository.expired_offer_institutions(session)
    total = 0
    for institution_id in ids:
        async with sessionmaker() as session, session.begin():
            total += await sweep_institution(session, institution_id, offer_ttl)
    return total


@contextlib.asynccontextmanager
async def offer_sweeper(app: FastAPI) -> AsyncIterator[None]:
    """Expires overdue offers and passes the places on even if nobody calls the API."""
    settings: Settings = app.state.settings
    ttl = timedelta(hours=settings.offer_ttl_hours)

    async def loop() -> None:
        while True:
            await asyncio.sleep(settings.offer_sweep_seconds)
            try:
                expired = await sweep_expired_offers(app.state.sessionmaker, ttl)
                async with app.state.sessionmaker() as session:
                    await purge_expired_keys(
                        session, idempotency_key, settings.idempotency_retention_hours
                    )
                    await session.commit()
                if expired:
                    log.info("offers_expired", count=expired)
            except Exception as exc:  # the next round retries; the service keeps serving
                log.warning("offer_sweep_failed", error_type=type(exc).__name__)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
