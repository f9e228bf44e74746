"""Gateway test fixtures: real loopback backends (uvicorn subprocesses) and in-process gateways
built with the real factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any

import httpx
import pytest

from common.registry import GATEWAY
from gateway.config import Settings
from gateway.main import create_app
from tests.fixtures.clients import running_app
from tests.fixtures.processes import free_port, served
from tests.fixtures.tokens import DevTokens

GatewayFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(scope="session")
def contract_url() -> Iterator[str]:
    with served("tests.gateway.backends:contract_app", {}, ready_path="/readyz") as url:
        yield url


@pytest.fixture(scope="session")
def echo_url() -> Iterator[str]:
    with served("tests.gateway.backends:echo_app", {}, ready_path="/readyz") as url:
        yield url


@pytest.fixture(scope="session")
def slow_url() -> Iterator[str]:
    with served("tests.gateway.backends:slow_app", {}, ready_path="/readyz") as url:
        yield url


@pytest.fixture(scope="session")
def recording_url() -> Iterator[str]:
    with served("tests.gateway.backends:recording_app", {}, ready_path="/_seen") as url:
        yield url


def seen_by(backend_url: str) -> list[str]:
    """The raw paths that reached the recording backend so far."""
    seen: list[str] = httpx.get(f"{backend_url}/_seen").json()
    return seen


@contextmanager
def gateway_process(tokens: DevTokens, backend_url: str, **env: str) -> Iterator[str]:
    """A real gateway process (the product's uvicorn command) in front of one backend for all
    three services; `env` sets its settings by their variable names."""
    base = {
        **{f"{service.upper()}_URL": backend_url for service in ("childcare", "jobs", "eldercare")},
        "ENVIRONMENT": "development",
        "DEV_KEY_FILE": str(tokens.public_key),
        "STARTUP_WARM_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    with served(GATEWAY.app_factory, {**base, **env}, ready_path="/healthz") as url:
        yield url


def dead_url() -> str:
    """A loopback port nothing listens on: connections are refused."""
    return f"http://127.0.0.1:{free_port()}"


# the address in-process gateways see their test calls come from
TEST_PEER = "10.1.2.3"


def gateway_settings(tokens: DevTokens, **overrides: Any) -> Settings:
    defaults: dict[str, Any] = {
        # the tests read /metrics as an operator would: from an allowed address
        "metrics_allow": [f"{TEST_PEER}/32"],
        "read_timeout_seconds": 1.0,
        "write_timeout_seconds": 1.0,
        "aggregate_deadline_seconds": 0.8,
        "startup_warm_seconds": 1.0,
        "stats_cache_seconds": 0.0,
        "log_level": "WARNING",
    }
    return Settings(**{**tokens.settings(), **defaults, **overrides})


async def set_modes(contract_url: str, **modes: str) -> None:
    """Every service `ok` unless named otherwise."""
    async with httpx.AsyncClient() as client:
        body = {"childcare": "ok", "jobs": "ok", "eldercare": "ok", **modes}
        (await client.put(f"{contract_url}/_modes", json=body)).raise_for_status()


async def backend_calls(contract_url: str) -> dict[str, int]:
    async with httpx.AsyncClient() as client:
        calls: dict[str, int] = (await client.get(f"{contract_url}/_calls")).json()
        return calls


@pytest.fixture
def make_gateway(tokens: DevTokens) -> GatewayFactory:
    """`async with make_gateway(childcare_url=..., peer="10.0.0.1") as client:` — a gateway app
    with its lifespan running, called in-process from `peer`."""

    @asynccontextmanager
    async def build(peer: str = TEST_PEER, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(gateway_settings(tokens, **overrides))
        async with running_app(app):
            transport = httpx.ASGITransport(app=app, client=(peer, 5555))
            async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
                yield client

    return build
