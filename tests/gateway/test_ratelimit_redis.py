"""Rate limits shared by two gateway processes through Redis, and a Redis failure that never
fails a request: the local limiter takes over, a metric counts it, and Redis is used again as
soon as it answers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.processes import free_port, served
from tests.fixtures.tokens import DevTokens
from tests.fixtures.waiting import eventually
from tests.gateway.conftest import GatewayFactory
from tests.gateway.redis_support import CuttableRelay, metric, redis_for_tests


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_for_tests() as url:
        yield url


def test_two_gateway_processes_share_one_limit_through_redis(
    redis_url: str, echo_url: str, tokens: DevTokens
) -> None:
    env = {
        "CHILDCARE_URL": echo_url,
        "JOBS_URL": echo_url,
        "ELDERCARE_URL": echo_url,
        "REDIS_URL": redis_url,
        "RATE_LIMIT": "3/hour",
        "ENVIRONMENT": "development",
        "DEV_KEY_FILE": str(tokens.public_key),
        "STARTUP_WARM_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    citizen = tokens.headers(f"shared-{uuid.uuid4().hex[:8]}", "citizen")
    with (
        served("gateway.main:create_app", env, ready_path="/healthz") as one,
        served("gateway.main:create_app", env, ready_path="/healthz") as two,
    ):
        statuses = [
            httpx.get(f"{gw}/childcare/v1/echo/r", headers=citizen).status_code
            for gw in (one, two, one, two)
        ]
        limited = httpx.get(f"{two}/childcare/v1/echo/r", headers=citizen)

    assert statuses == [200, 200, 200, 429]
    assert limited.json()["code"] == "rate_limited"


async def test_unreachable_redis_never_fails_a_request(
    make_gateway: GatewayFactory, echo_url: str, tokens: DevTokens
) -> None:
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    async with make_gateway(childcare_url=echo_url, redis_url=nowhere, rate_limit="3/hour") as gw:
        before = metric((await gw.get("/metrics")).text, "gateway_rate_limit_fallback_total")
        citizen = tokens.headers(f"alone-{uuid.uuid4().hex[:8]}", "citizen")
        statuses = [
            (await gw.get("/childcare/v1/echo/r", headers=citizen)).status_code for _ in range(4)
        ]
        text = (await gw.get("/metrics")).text

    # limited in memory instead: the fourth is over the limit, none is an error
    assert statuses == [200, 200, 200, 429]
    assert metric(text, "gateway_rate_limit_fallback_total") - before >= 4
    assert metric(text, "gateway_rate_limit_redis_up") == 0


async def test_the_shared_limiter_returns_when_redis_does(
    make_gateway: GatewayFactory, echo_url: str, tokens: DevTokens, redis_url: str
) -> None:
    relay = CuttableRelay(redis_url)
    await relay.restore()
    citizen = tokens.headers(f"relay-{uuid.uuid4().hex[:8]}", "citizen")
    try:
        async with make_gateway(
            childcare_url=echo_url, redis_url=relay.url, redis_retry_seconds=0.2
        ) as gw:
            ok = await gw.get("/childcare/v1/echo/r", headers=citizen)
            up_before = metric((await gw.get("/metrics")).text, "gateway_rate_limit_redis_up")
            await relay.cut()
            during = await gw.get("/childcare/v1/echo/r", headers=citizen)
            text = (await gw.get("/metrics")).text
            down = metric(text, "gateway_rate_limit_redis_up")
            await relay.restore()

            async def redis_up_after_a_request() -> float:
                await gw.get("/childcare/v1/echo/r", headers=citizen)
                return metric((await gw.get("/metrics")).text, "gateway_rate_limit_redis_up")

            # limited in memory until the retry interval has passed and Redis answers again
            await eventually(redis_up_after_a_request, lambda up: up == 1)
            fallback = metric((await gw.get("/metrics")).text, "gateway_rate_limit_fallback_total")
            after = await gw.get("/childcare/v1/echo/r", headers=citizen)
            text = (await gw.get("/metrics")).text
    finally:
        await relay.cut()

    assert (ok.status_code, during.status_code, after.status_code) == (200, 200, 200)
    assert (up_before, down) == (1, 0)
    assert metric(text, "gateway_rate_limit_redis_up") == 1
    # the request after recovery was limited in Redis again, not counted as a fallback
    assert metric(text, "gateway_rate_limit_fallback_total") == fallback
