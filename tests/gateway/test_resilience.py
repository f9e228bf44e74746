"""Breakers, retries and budgets against real loopback backends: a dead service costs almost
nothing once its circuit is open, the circuit closes when the service returns, idempotent
reads are retried on a dropped connection and POSTs never are."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.gateway.conftest import GatewayFactory, backend_calls, dead_url, set_modes

BREAKER = {"breaker_threshold": 2, "breaker_reset_seconds": 0.5, "startup_warm_seconds": 0}


def breaker_state(metrics: str, service: str) -> float:
    match = re.search(
        rf'^gateway_circuit_breaker_state{{service="{service}"}} (\S+)$', metrics, re.M
    )
    assert match, "breaker state missing from /metrics"
    return float(match.group(1))


async def test_breaker_opens_after_failures_and_closes_when_the_service_returns(
    make_gateway: GatewayFactory, contract_url: str
) -> None:
    await set_modes(contract_url, eldercare="slow")
    async with make_gateway(eldercare_url=contract_url, read_timeout_seconds=0.3, **BREAKER) as gw:
        assert breaker_state((await gw.get("/metrics")).text, "eldercare") == 0
        first = [(await gw.get("/eldercare/v1/stats")).status_code for _ in range(2)]
        reached = (await backend_calls(contract_url))["eldercare"]

        started = time.monotonic()
        rejected = await gw.get("/eldercare/v1/stats")
        rejected_in = time.monotonic() - started
        open_metrics = (await gw.get("/metrics")).text

        await set_modes(contract_url)  # the service is back
        await asyncio.sleep(0.6)  # past the breaker's reset time: one trial call goes through
        recovered = await gw.get("/eldercare/v1/stats")
        closed_metrics = (await gw.get("/metrics")).text

    assert first == [504, 504]
    assert rejected.status_code == 503 and rejected.json()["code"] == "service_unavailable"
    assert "circuit open" in rejected.json()["detail"]
    assert rejected.headers["retry-after"] == "1"  # the breaker's 0.5 s, in whole seconds
    assert rejected_in < 0.2
    assert (await backend_calls(contract_url))["eldercare"] == reached + 1  # only the trial
    assert breaker_state(open_metrics, "eldercare") == 2
    assert re.search(
        r'^gateway_circuit_breaker_rejections_total{service="eldercare"} [1-9]', open_metrics, re.M
    )
    assert recovered.status_code == 200 and len(recovered.json()["by_district"]) == 10
    assert breaker_state(closed_metrics, "eldercare") == 0


async def test_a_dead_service_is_a_quick_503_and_then_costs_nothing(
    make_gateway: GatewayFactory,
) -> None:
    async with make_gateway(jobs_url=dead_url(), **BREAKER) as gw:
        timings = []
        for _ in range(5):
            started = time.monotonic()
            r = await gw.get("/jobs/v1/stations")
            timings.append(time.monotonic() - started)
            assert r.status_code == 503
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["code"] == "service_unavailable"
            assert int(r.headers["retry-after"]) >= 1
        metrics = (await gw.get("/metrics")).text

    assert max(timings) < 1.0
    assert breaker_state(metrics, "jobs") == 2


async def test_a_slow_read_is_a_504_within_its_budget(
    make_gateway: GatewayFactory, slow_url: str
) -> None:
    async with make_gateway(eldercare_url=slow_url, read_timeout_seconds=0.5) as gw:
        started = time.monotonic()
        r = await gw.get("/eldercare/v1/facilities")
        elapsed = time.monotonic() - started

    assert r.status_code == 504 and r.json()["code"] == "service_timeout"
    assert r.headers["content-type"] == "application/problem+json"
    assert 0.4 < elapsed < 2.0


async def test_a_post_that_times_out_reached_the_service_exactly_once(
    make_gateway: GatewayFactory, slow_url: str
) -> None:
    async with httpx.AsyncClient() as direct:
        before = (await direct.get(f"{slow_url}/seen")).json()["count"]
    async with make_gateway(
        eldercare_url=slow_url, write_timeout_seconds=0.5, startup_warm_seconds=0
    ) as gw:
        r = await gw.post("/eldercare/v1/care-requests", json={"care_type": "meal"})
    async with httpx.AsyncClient() as direct:
        after = (await direct.get(f"{slow_url}/seen")).json()["count"]

    assert r.status_code == 504
    assert after - before == 1


class DroppingServer:
    """A loopback HTTP server that hangs up on its first `drop` connections, then answers."""

    def __init__(self, drop: int) -> None:
        self.drop = drop
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if self.connections > self.drop:
            await reader.readuntil(b"\r\n\r\n")
            body = b'{"items": [], "next_cursor": null}'
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
        writer.close()


@pytest.fixture
async def dropping() -> AsyncIterator[tuple[DroppingServer, str]]:
    server = DroppingServer(drop=1)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    try:
        yield server, f"http://127.0.0.1:{port}"
    finally:
        listener.close()
        await listener.wait_closed()


async def test_a_read_is_retried_once_on_a_dropped_connection(
    make_gateway: GatewayFactory, dropping: tuple[DroppingServer, str]
) -> None:
    server, url = dropping
    async with make_gateway(jobs_url=url, startup_warm_seconds=0) as gw:
        r = await gw.get("/jobs/v1/postings")

    assert r.status_code == 200 and r.json() == {"items": [], "next_cursor": None}
    assert server.connections == 2


async def test_a_post_is_never_retried(
    make_gateway: GatewayFactory, dropping: tuple[DroppingServer, str]
) -> None:
    server, url = dropping
    async with make_gateway(jobs_url=url, startup_warm_seconds=0) as gw:
        r = await gw.post("/jobs/v1/applications", json={"programme_id": 1})

    assert r.status_code == 503 and r.json()["code"] == "service_unavailable"
    assert server.connections == 1
