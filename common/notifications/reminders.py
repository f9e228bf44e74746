"""Reminders as periodic jobs: a service's job looks for what is due by now and writes it through
the outbox with a dedupe key, so a reminder fires once however often the job runs and however
many replicas run it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.state import service_context
from common.tasks import periodic

ReminderJob = Callable[[AsyncSession, datetime], Awaitable[int]]


async def run_reminders(
    sessionmaker: async_sessionmaker[AsyncSession], job: ReminderJob, *, now: datetime
) -> int:
    """One round of `job` in its own transaction; returns the reminders written."""
    async with sessionmaker() as session, session.begin():
        return await job(session, now)


def reminder_hook(
    name: str, job: ReminderJob
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    async def round_(app: FastAPI) -> int:
        context = service_context(app)
        return await run_reminders(
            context.database.background_sessionmaker, job, now=context.clock.now()
        )

    return periodic(
        name, lambda app: float(service_context(app).settings.notify_reminder_seconds), round_
    )
