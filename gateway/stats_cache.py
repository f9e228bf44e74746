"""The last good `stats` of each service, kept briefly and served stale when the service fails.

hishel (an HTTP cache) forwards a 5xx during revalidation instead of serving stale, so this is
a small in-process cache of public figures (never of anything personal). One refresh at a time
per service: callers that arrive while it runs wait for the same answer instead of each
calling a struggling service again.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from prometheus_client import Gauge

from common.errors import ProblemError
from common.i18n import N_, Text
from gateway.clients.failures import ServiceDown, ServiceTimeout
from gateway.clients.typed import StatsBase, TypedClient

T = TypeVar("T", bound=StatsBase)

STATS_AGE = Gauge(
    "gateway_stats_age_seconds",
    "Seconds since the gateway last read each service's stats successfully",
    ["service"],
)


class PartStatus(StrEnum):
    ok = "ok"
    stale = "stale"
    unavailable = "unavailable"
    timeout = "timeout"
    error = "error"


@dataclass(frozen=True)
class Reading(Generic[T]):
    status: PartStatus
    value: T | None
    # rendered per answer: one reading is shown to callers of every language
    detail: Text | None = None
    fetched_at: datetime | None = None  # when the gateway read it (wall clock)


@dataclass(frozen=True)
class _Good(Generic[T]):
    value: T
    monotonic: float
    wall: datetime


class StatsSource(Generic[T]):
    def __init__(
        self,
        client: TypedClient[Any, T],
        *,
        fresh_seconds: float,
        max_stale_seconds: float,
        timeout: float,
    ) -> None:
        self.client = client
        self._fresh = fresh_seconds
        self._max_stale = max_stale_seconds
        self._timeout = timeout
        self._last: _Good[T] | None = None
        self._inflight: asyncio.Task[Reading[T]] | None = None

    @property
    def name(self) -> str:
        return self.client.name

    def _fresh_reading(self) -> Reading[T] | None:
        last = self._last
        if last is not None and time.monotonic() - last.monotonic < self._fresh:
            return Reading(PartStatus.ok, last.value, fetched_at=last.wall)
        return None

    async def read(self) -> Reading[T]:
        """Fresh figures, else a refresh; if it fails, the last good figures marked stale."""
        if (fresh := self._fresh_reading()) is not None:
            return fresh
        if self._inflight is None:
            self._inflight = asyncio.create_task(self._refresh())
            self._inflight.add_done_callback(self._clear)
        # shielded: a caller that gives up must not cancel the refresh others wait for
        return await asyncio.shield(self._inflight)

    def _clear(self, _: asyncio.Task[Reading[T]]) -> None:
        self._inflight = None

    async def _refresh(self) -> Reading[T]:
        try:
            async with asyncio.timeout(self._timeout):
                value = await self.client.stats(headers={}, timeout=self._timeout)
        except (TimeoutError, ServiceTimeout):
            late = Text(N_("{service} did not answer in time"), {"service": self.name})
            return self._fallback(PartStatus.timeout, late)
        except ServiceDown:
            down = Text(N_("{service} is not reachable"), {"service": self.name})
            return self._fallback(PartStatus.unavailable, down)
        except ProblemError as exc:
            # the error's own detail is in the language of the caller that started the refresh
            failed = Text(
                N_("{service} answered with an error ({code})"),
                {"service": self.name, "code": exc.code},
            )
            return self._fallback(PartStatus.error, failed)
        now = datetime.now(UTC)
        self._last = _Good(value, time.monotonic(), now)
        STATS_AGE.labels(self.name).set(0)
        return Reading(PartStatus.ok, value, fetched_at=now)

    def _fallback(self, status: PartStatus, detail: Text) -> Reading[T]:
        last = self._last
        if last is not None:
            age = time.monotonic() - last.monotonic
            STATS_AGE.labels(self.name).set(age)
            if age <= self._max_stale:
                return Reading(PartStatus.stale, last.value, detail, last.wall)
        return Reading(status, None, detail)
