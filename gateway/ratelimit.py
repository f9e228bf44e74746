"""Per-citizen (or per-address when anonymous) rate limits; shared through Redis when configured.

Sliding-window counters (two counters per key and window, weighted), not a moving window: the
moving window's memory storage keeps one entry per request (rps × 60 for a minute) and holds a
per-key lock across a thread hop, so every caller from one address queued behind it.

A limiter failure never fails a request: when Redis does not answer, the in-memory limiter
takes over (per process, so the limit is per replica until Redis is back), a metric counts each
request limited that way, one warning is logged per outage, and Redis is tried again every
`retry_seconds` until it answers.
"""

from __future__ import annotations

import math
import time

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from prometheus_client import Counter, Gauge

from common.errors import ProblemError
from common.i18n import t

log = structlog.get_logger("ratelimit")

FALLBACK_REQUESTS = Counter(
    "gateway_rate_limit_fallback_total",
    "Requests rate-limited in memory because the shared Redis limiter failed",
)
REDIS_UP = Gauge(
    "gateway_rate_limit_redis_up", "1 while the shared Redis limiter answers, 0 while it fails"
)


class RateLimited(ProblemError, status=429, code="rate_limited", title="Too many requests"): ...


class RateLimiter:
    def __init__(
        self,
        citizen_limit: str,
        anonymous_limit: str,
        redis_url: str | None,
        *,
        retry_seconds: float = 5.0,
        check_in_limit: str = "30/minute",
    ) -> None:
        self._local = SlidingWindowCounterRateLimiter(MemoryStorage())
        self._shared: SlidingWindowCounterRateLimiter | None = None
        if redis_url:
            uri = redis_url.replace("redis://", "async+redis://", 1).replace(
                "rediss://", "async+rediss://", 1
            )
            # short socket timeouts: a hung Redis must cost a request milliseconds, not seconds
            storage = RedisStorage(
                uri,
                implementation="redispy",
                socket_connect_timeout=0.25,
                socket_timeout=0.25,
            )
            self._shared = SlidingWindowCounterRateLimiter(storage)
            REDIS_UP.set(1)
        self._retry_seconds = retry_seconds
        self._redis_failed_at: float | None = None
        self._citizen: RateLimitItem = parse(citizen_limit)
        self._anonymous: RateLimitItem = parse(anonymous_limit)
        self._check_in: RateLimitItem = parse(check_in_limit)

    @property
    def using_fallback(self) -> bool:
        return self._shared is not None and self._redis_failed_at is not None

    def _shared_worth_trying(self) -> bool:
        failed_at = self._redis_failed_at
        return failed_at is None or time.monotonic() - failed_at >= self._retry_seconds

    async def _hit(
        self, item: RateLimitItem, key: str
    ) -> tuple[bool, SlidingWindowCounterRateLimiter]:
        if self._shared is not None and self._shared_worth_trying():
            try:
                allowed = await self._shared.hit(item, "gateway", key)
            except Exception as exc:  # whatever Redis does, the request goes on
                if self._redis_failed_at is None:
                    log.warning("rate_limit_redis_failed", error_type=type(exc).__name__)
                    REDIS_UP.set(0)
                self._redis_failed_at = time.monotonic()
            else:
                if self._redis_failed_at is not None:
                    log.info("rate_limit_redis_recovered")
                    REDIS_UP.set(1)
                    self._redis_failed_at = None
                return allowed, self._shared
        if self._shared is not None:
            FALLBACK_REQUESTS.inc()
        return await self._local.hit(item, "gateway", key), self._local

    async def check(self, *, sub: str | None, address: str) -> None:
        """Counts one request of the citizen, or of the address when `sub` is None."""
        item, key = (self._citizen, f"sub:{sub}") if sub else (self._anonymous, f"ip:{address}")
        await self._enforce(item, key)

    async def check_in(self, *, address: str) -> None:
        """Anonymous station check-ins feed usage statistics: a tighter limit per address keeps
        one device from inflating them (on top of the general limit)."""
        await self._enforce(self._check_in, f"check-in:{address}")

    async def _enforce(self, item: RateLimitItem, key: str) -> None:
        allowed, limiter = await self._hit(item, key)
        if allowed:
            return
        try:
            stats = await limiter.get_window_stats(item, "gateway", key)
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        except Exception:  # Redis failed between the two calls: a safe guess
            retry_after = item.get_expiry()
        error = RateLimited(
            t(
                "Rate limit {item} exceeded; retry in {retry_after} s.",
                item=item,
                retry_after=retry_after,
            )
        )
        error.headers["Retry-After"] = str(retry_after)
        raise error
