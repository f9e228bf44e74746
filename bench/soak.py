"""The soak: a steady mixed load through the gateway for minutes, sampling every process's
resident memory and reading its garbage-collection pauses from `/metrics` before and after."""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field

import aiohttp
import psutil

from bench.environment import Process
from bench.load import run_closed_loop

SAMPLE_EVERY = 10.0
_GC = re.compile(
    r'^python_gc_pause_seconds_(?P<kind>count|sum|bucket)\{(?:generation="(?P<gen>\d)")?'
    r'(?:,?le="(?P<le>[^"]+)")?\}\s+(?P<value>\S+)$'
)


@dataclass
class Soak:
    seconds: float
    requests: int = 0
    errors: int = 0
    rss_mb: dict[str, list[float]] = field(default_factory=dict)
    gc: dict[str, dict[str, float]] = field(default_factory=dict)

    def growth(self, name: str) -> float:
        """RSS at the end against after the first minute (start-up and warm caches aside)."""
        series = self.rss_mb[name]
        base = series[min(len(series) - 1, int(60 / SAMPLE_EVERY))]
        return (series[-1] - base) / base if base else 0.0


async def gc_pauses(session: aiohttp.ClientSession, base: str) -> dict[str, float]:
    """Collections per generation and how many of them took over 10 ms."""
    async with session.get(f"{base}/metrics") as response:
        text = await response.text()
    out: dict[str, float] = {}
    for line in text.splitlines():
        match = _GC.match(line)
        if not match or match["gen"] is None:
            continue
        gen, kind = match["gen"], match["kind"]
        if kind == "count":
            out[f"gen{gen} collections"] = float(match["value"])
        elif kind == "sum":
            out[f"gen{gen} seconds"] = float(match["value"])
        elif match["le"] == "0.01":
            out[f"gen{gen} ≤10 ms"] = float(match["value"])
    return out


def pause_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """After minus before; a generation that had not yet collected before counts from zero."""
    return {k: v - before.get(k, 0) for k, v in after.items()}


async def soak(
    processes: list[Process], seconds: float, urls: list[str], headers: dict[str, str]
) -> Soak:
    result = Soak(seconds)
    handles = {p.name: psutil.Process(p.popen.pid) for p in processes}
    for name in handles:
        result.rss_mb[name] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32)) as session:
        before = {p.name: await gc_pauses(session, p.base_url) for p in processes}

        async def operation(rng: random.Random) -> bool:
            url = rng.choice(urls)
            async with session.get(url, headers=headers if "/me" in url else None) as response:
                await response.read()
                return response.status < 500

        async def sample() -> None:
            while True:
                for name, handle in handles.items():
                    result.rss_mb[name].append(handle.memory_info().rss / 2**20)
                await asyncio.sleep(SAMPLE_EVERY)

        sampler = asyncio.create_task(sample())
        started = time.monotonic()
        load = await run_closed_loop(operation, concurrency=8, seconds=seconds, max_requests=10**9)
        sampler.cancel()
        for name, handle in handles.items():
            result.rss_mb[name].append(handle.memory_info().rss / 2**20)
        after = {p.name: await gc_pauses(session, p.base_url) for p in processes}
    result.requests, result.errors = load.requests, load.errors
    result.seconds = time.monotonic() - started
    for name in before:
        result.gc[name] = pause_delta(before[name], after[name])
    return result
