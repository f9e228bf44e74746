"""Periodic background work inside a service process (offer sweeps, key purges): one asyncio task
per job, started and cancelled by the app's lifespan; a failing round is logged and retried at the
next interval, never taking the service down."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import structlog
from fastapi import FastAPI

log = structlog.get_logger("tasks")

Job = Callable[[FastAPI], Awaitable[int]]


def periodic(
    name: str, interval: Callable[[FastAPI], float], job: Job
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """A lifespan hook that runs `job(app)` every `interval(app)` seconds; `job` returns how many
    things it did (logged when not zero)."""

    @contextlib.asynccontextmanager
    async def hook(app: FastAPI) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                await asyncio.sleep(interval(app))
                try:
                    done = await job(app)
                    if done:
                        log.info(name, count=done)
                except Exception as exc:  # the next round retries; the service keeps serving
                    log.warning(f"{name}_failed", error_type=type(exc).__name__)

        task = asyncio.create_task(loop(), name=name)
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return hook
