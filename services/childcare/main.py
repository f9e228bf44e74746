"""Childcare app factory: `uvicorn --factory services.childcare.main:create_app`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import structlog
from fastapi import FastAPI

from common.app import create_service_app
from common.idempotency import purge_expired_keys
from common.pagination import CursorCodec
from services.childcare.config import Settings
from services.childcare.models import SCHEMA, idempotency_key
from services.childcare.routes import router
from services.childcare.routes_planning import router as planning_router
from services.childcare.service import sweep_expired_offers

log = structlog.get_logger("childcare")


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


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        name="childcare",
        title="Childcare service (少有所学)",
        description="Childcare institutions for children under 3, enrollments and waitlists.",
        settings=settings,
        schema=SCHEMA,
        routers=[router, planning_router],
        idempotency_table=idempotency_key,
        hooks=[offer_sweeper],
    )
    app.state.cursor_codec = CursorCodec(settings.cursor_key)
    return app
