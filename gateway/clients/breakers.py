"""One circuit breaker per service (purgatory), with its state in `/metrics`.

After `threshold` consecutive calls with no valid HTTP answer (refused, reset, timed out, or
not HTTP at all; an HTTP status of any kind is an answer) a service's circuit opens: calls to it
fail at once with 503, without a connection attempt, so a dead service costs almost nothing.
After `reset_seconds` one call is let through (half-open); its success closes the circuit
again, its failure reopens it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from prometheus_client import Counter, Gauge
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState

STATE_VALUES = {"closed": 0, "half-opened": 1, "opened": 2}

BREAKER_STATE = Gauge(
    "gateway_circuit_breaker_state",
    "Circuit breaker state per service: 0 closed, 1 half-open, 2 open",
    ["service"],
)
BREAKER_REJECTIONS = Counter(
    "gateway_circuit_breaker_rejections_total",
    "Calls answered without a connection attempt because the service's circuit was open",
    ["service"],
)
BREAKER_FAILURES = Counter(
    "gateway_circuit_breaker_failures_total",
    "Calls with no valid HTTP answer counted by the service's breaker",
    ["service"],
)


class CircuitOpen(Exception):
    """The service's circuit is open: it was not called."""

    def __init__(self, service: str) -> None:
        super().__init__(f"circuit of {service} is open")
        self.service = service


class Breakers:
    def __init__(self, services: list[str], *, threshold: int, reset_seconds: float) -> None:
        self._factory = AsyncCircuitBreakerFactory(
            default_threshold=threshold, default_ttl=reset_seconds
        )
        self._factory.add_listener(self._on_event)
        for service in services:
            BREAKER_STATE.labels(service).set(0)

    def _on_event(self, name: str, kind: str, event: Any) -> None:
        if kind == "state_changed":
            BREAKER_STATE.labels(name).set(STATE_VALUES.get(event.state, 0))
        elif kind == "failed":
            BREAKER_FAILURES.labels(name).inc()

    async def state(self, service: str) -> str:
        """`closed`, `half-opened` or `opened`, as purgatory names them."""
        breaker = await self._factory.get_breaker(service)
        return str(breaker.context.state)

    @asynccontextmanager
    async def guard(self, service: str) -> AsyncIterator[None]:
        """Runs the block under the service's breaker; any exception it raises is a failure."""
        breaker = await self._factory.get_breaker(service)
        try:
            await breaker.__aenter__()
        except OpenedState as exc:
            BREAKER_REJECTIONS.labels(service).inc()
            raise CircuitOpen(service) from exc
        try:
            yield
        except BaseException as exc:
            await breaker.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        await breaker.__aexit__(None, None, None)
