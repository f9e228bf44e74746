"""A closed-loop load generator: N workers, each sends its next request when the last returns.

Bounded by both a request count and a time limit, loopback only. Latency is measured per
request around the whole round trip (body read included); non-2xx answers count as errors.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

# one request: given a per-worker random generator, do the work and say whether it succeeded
Operation = Callable[[random.Random], Awaitable[bool]]


@dataclass(frozen=True)
class Sample:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_closed_loop(
    operation: Operation,
    *,
    concurrency: int,
    seconds: float,
    max_requests: int,
    seed: int = 1,
) -> Sample:
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = 0
    sent = 0

    async def worker(rng: random.Random) -> None:
        nonlocal errors, sent
        while sent < max_requests and time.perf_counter() < deadline:
            sent += 1
            started = time.perf_counter()
            try:
                ok = await operation(rng)
            except (TimeoutError, aiohttp.ClientError):
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            if not ok:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(random.Random(seed * 1000 + i)) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    return Sample(requests=len(latencies), errors=errors, seconds=elapsed, latencies_ms=latencies)


def http_get(
    session: aiohttp.ClientSession,
    url_for: Callable[[random.Random], str],
    headers: dict[str, str] | None = None,
) -> Operation:
    async def operation(rng: random.Random) -> bool:
        url = url_for(rng)
        assert urlsplit(url).hostname == "127.0.0.1", "the bench talks to loopback only"
        async with session.get(url, headers=headers) as response:
            await response.read()
            return 200 <= response.status < 300

    return operation


Request = tuple[str, dict[str, str], Any]  # url, headers, JSON body


def http_post(
    session: aiohttp.ClientSession,
    request_for: Callable[[random.Random], Request],
    counts: dict[int, int],
) -> Operation:
    """POSTs; every answer is tallied by status in `counts` (a 409 under contention is an
    answer, not a failure); only 5xx and transport errors count as errors."""

    async def operation(rng: random.Random) -> bool:
        url, headers, body = request_for(rng)
        assert urlsplit(url).hostname == "127.0.0.1", "the bench talks to loopback only"
        async with session.post(url, headers=headers, json=body) as response:
            await response.read()
            counts[response.status] = counts.get(response.status, 0) + 1
            return response.status < 500

    return operation


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
