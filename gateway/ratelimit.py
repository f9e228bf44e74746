"""Per-citizen (or per-address when anonymous) rate limits; shared through Redis when configured."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from common.errors import ProblemError


class RateLimited(ProblemError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"


class RateLimiter:
    def __init__(self, citizen_limit: str, anonymous_limit: str, redis_url: str | None) -> None:
        storage: Storage
        if redis_url:
            uri = redis_url.replace("redis://", "async+redis://", 1)
            storage = RedisStorage(uri, implementation="redispy")
        else:
            storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)
        self._citizen: RateLimitItem = parse(citizen_limit)
        self._anonymous: RateLimitItem = parse(anonymous_limit)

    async def check(self, *, sub: str | None, address: str) -> None:
        item, key = (self._citizen, f"sub:{sub}") if sub else (self._anonymous, f"ip:{address}")
        if await self._limiter.hit(item, "gateway", key):
            return
        stats = await self._limiter.get_window_stats(item, "gateway", key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        error = RateLimited(f"Rate limit {item} exceeded; retry in {retry_after} s.")
        error.headers["Retry-After"] = str(retry_after)
        raise error
