"""A service's notifications put together: its outbox and inbox, the dispatcher its process runs
(a lifespan hook), and its routes. `create_service_app(notifications=…)` does the wiring."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import structlog
from fastapi import FastAPI
from sqlalchemy import Table

from common.notifications.dispatcher import Connect, Dispatcher, Retry
from common.notifications.outbox import Outbox
from common.notifications.webhook import Pusher
from common.read import Reader
from common.state import service_context

log = structlog.get_logger("notifications")


@dataclass(frozen=True)
class Notifications:
    outbox: Outbox
    inbox: Table


def notifications_of(app: FastAPI) -> Notifications:
    found = service_context(app).notifications
    if not isinstance(found, Notifications):
        raise RuntimeError("this service keeps no notifications")
    return found


def dispatcher_for(app: FastAPI, *, pusher: Pusher | None = None) -> Dispatcher:
    """The dispatcher of the app's settings (a test may hand it its own pusher)."""
    context = service_context(app)
    settings = context.settings
    found = notifications_of(app)
    if pusher is None and settings.notify_webhook_url and settings.notify_webhook_secret:
        pusher = Pusher(
            settings.notify_webhook_url,
            settings.notify_webhook_secret,
            timeout=settings.notify_webhook_timeout_seconds,
            service=context.name,
        )
    return Dispatcher(
        service=context.name,
        outbox=found.outbox,
        inbox=found.inbox,
        retry=Retry.of(settings),
        batch=settings.notify_batch_size,
        pusher=pusher,
    )


def reader_connect(app: FastAPI) -> Connect:
    """Connections as the app's reads get them (tests bind them to their transaction)."""
    return service_context(app).database.reader.connection


@contextlib.asynccontextmanager
async def dispatching(app: FastAPI) -> AsyncIterator[None]:
    """The lifespan hook: the dispatcher runs every `NOTIFY_POLL_SECONDS` until the app stops,
    on the periodic jobs' pool connections (never a test's bound reader)."""
    context = service_context(app)
    settings = context.settings
    if not settings.notify_dispatch:
        yield
        return
    dispatcher = dispatcher_for(app)
    connect = Reader(context.database.engine).connection

    async def loop() -> None:
        while True:
            did = 0
            try:
                did = await dispatcher.run_once(connect, context.clock.now())
            except Exception as exc:  # the next round retries; the service keeps serving
                log.warning("notifications_dispatch_failed", error_type=type(exc).__name__)
            if not did:  # under load, straight on; idle, a poll interval apart
                await asyncio.sleep(settings.notify_poll_seconds)

    task = asyncio.create_task(loop(), name="notifications")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if dispatcher.pusher is not None:
            await dispatcher.pusher.aclose()
