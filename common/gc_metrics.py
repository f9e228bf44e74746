"""Garbage-collection pauses as a Prometheus histogram (`python_gc_pause_seconds`), so a p99
that hides a full collection shows up in `/metrics` and the bench can count pauses."""

from __future__ import annotations

import gc
import time
from typing import Any

from prometheus_client import Histogram

GC_PAUSE = Histogram(
    "python_gc_pause_seconds",
    "Duration of garbage collections by generation",
    ["generation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25),
)
_started: list[float] = [0.0]


def _on_gc(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _started[0] = time.perf_counter()
    else:
        GC_PAUSE.labels(str(info.get("generation", "?"))).observe(time.perf_counter() - _started[0])


def install_gc_metrics() -> None:
    """Idempotent: one callback per process, however many apps it builds."""
    if _on_gc not in gc.callbacks:
        gc.callbacks.append(_on_gc)
