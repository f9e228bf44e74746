"""The gateway against real backends on loopback ports: one echoing, one slow, one down."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from gateway.config import Settings
from gateway.main import create_app
from tests.fixtures.clients import running_app
from tests.fixtures.processes import free_port, served
from tests.fixtures.tokens import DevTokens


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    with served("tests.gateway.backends:echo_app", {}, ready_path="/readyz") as url:
        yield url


@pytest.fixture(scope="module")
def slow_url() -> Iterator[str]:
    with served("tests.gateway.backends:slow_app", {}, ready_path="/readyz") as url:
        yield url


def _settings(tokens: DevTokens, **overrides: object) -> Settings:
    return Settings(
        **{
            **tokens.settings(),
            "proxy_timeout_seconds": 1.0,
            "aggregate_deadline_seconds": 1.0,
            **overrides,
        }
    )


@pytest.fixture
async def gateway(
    echo_url: str, slow_url: str, tokens: DevTokens
) -> AsyncIterator[httpx.AsyncClient]:
    down = f"http://127.0.0.1:{free_port()}"
    settings = _settings(tokens, childcare_url=echo_url, jobs_url=down, eldercare_url=slow_url)
    async with running_app(create_app(settings)) as app:
        transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield client


async def _calls(echo_url: str) -> int:
    async with httpx.AsyncClient() as c:
        return int((await c.get(f"{echo_url}/calls")).json()["count"])


async def test_proxy_forwards_method_path_query_body_and_request_id(
    gateway: httpx.AsyncClient,
) -> None:
    r = await gateway.post(
        "/childcare/v1/echo/multi?a=1&b=二",
        content=b'{"x": 1}',
        headers={
            "content-type": "application/json",
            "x-request-id": "req-42",
            "proxy-authorization": "secret",
            "x-custom": "kept",
        },
    )

    assert r.status_code == 207
    echoed = r.json()
    assert echoed["method"] == "POST"
    assert echoed["path"] == "/childcare/v1/echo/multi"
    assert echoed["query"] == "a=1&b=%E4%BA%8C"
    assert echoed["body"] == '{"x": 1}'
    assert echoed["headers"]["x-request-id"] == "req-42"
    assert echoed["headers"]["x-custom"] == "kept"
    assert "proxy-authorization" not in echoed["headers"]
    assert echoed["headers"]["x-forwarded-for"] == "10.1.2.3"
    assert r.headers["x-backend"] == "echo"
    assert r.headers["x-request-id"] == "req-42"
    assert r.headers.get_list("x-request-id") == ["req-42"]


async def test_a_service_that_is_down_is_a_quick_503(gateway: httpx.AsyncClient) -> None:
    started = time.monotonic()
    r = await gateway.get("/jobs/v1/stations")

    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "service_unavailable"
    assert time.monotonic() - started < 1.5


async def test_a_slow_service_is_a_504_within_the_budget(gateway: httpx.AsyncClient) -> None:
    started = time.monotonic()
    r = await gateway.get("/eldercare/v1/facilities")

    assert r.status_code == 504 and r.json()["code"] == "service_timeout"
    assert time.monotonic() - started < 3.0


async def test_readyz_reports_each_service(gateway: httpx.AsyncClient) -> None:
    r = await gateway.get("/readyz")

    assert r.status_code == 503
    checks = r.json()["checks"]
    assert checks["childcare"] == "ok" and checks["eldercare"] == "ok"
    assert checks["jobs"] == "service_unavailable"


async def test_merged_openapi_has_backend_and_gateway_paths(gateway: httpx.AsyncClient) -> None:
    spec = (await gateway.get("/openapi.json")).json()

    assert "/wellbeing/v1/me" in spec["paths"]
    assert "/childcare/v1/things" in spec["paths"]
    assert set(spec["info"]["x-unavailable-services"]) == {"jobs"}
    assert "Problem" in spec["components"]["schemas"]
    docs = await gateway.get("/docs")
    assert "swagger" in docs.text.lower()


async def test_citizen_view_marks_what_could_not_be_asked(
    gateway: httpx.AsyncClient, tokens: DevTokens
) -> None:
    started = time.monotonic()
    r = await gateway.get("/wellbeing/v1/me", headers=tokens.headers("citizen-9", "citizen"))

    assert r.status_code == 200
    view = r.json()
    assert view["sub"] == "citizen-9" and view["complete"] is False
    assert view["childcare"]["status"] == "ok"
    assert view["childcare"]["data"]["children"] == [{"name": "萱萱"}]
    assert view["childcare"]["data"]["auth"] == "Bearer"
    assert view["jobs"] == {
        "status": "unavailable",
        "data": None,
        "detail": "jobs is not reachable",
    }
    assert view["eldercare"]["status"] == "timeout" and view["eldercare"]["data"] is None
    assert time.monotonic() - started < 2.5


async def test_bad_token_is_401_before_any_backend_call(
    gateway: httpx.AsyncClient, echo_url: str
) -> None:
    before = await _calls(echo_url)

    r = await gateway.get("/childcare/v1/echo/x", headers={"Authorization": "Bearer nonsense"})
    me = await gateway.get("/wellbeing/v1/me")

    assert r.status_code == 401 and r.json()["code"] == "invalid_token"
    assert me.status_code == 401
    assert await _calls(echo_url) == before


async def test_rate_limit_is_429_with_retry_after(echo_url: str, tokens: DevTokens) -> None:
    settings = _settings(tokens, childcare_url=echo_url, rate_limit="2/minute")
    app: FastAPI = create_app(settings)
    async with running_app(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            headers = tokens.headers("busy-citizen", "citizen")
            statuses = [
                (await client.get("/childcare/v1/echo/r", headers=headers)).status_code
                for _ in range(3)
            ]
            other = await client.get(
                "/childcare/v1/echo/r", headers=tokens.headers("calm-citizen", "citizen")
            )
            limited = await client.get("/childcare/v1/echo/r", headers=headers)

    assert statuses == [200, 200, 429]
    assert other.status_code == 200
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
