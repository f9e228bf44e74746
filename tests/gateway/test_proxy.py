"""The proxy against real loopback backends: what is forwarded, what comes back, what never
leaves (backend headers, backend addresses, backend error text)."""

from __future__ import annotations

import httpx

from tests.fixtures.processes import served
from tests.fixtures.tokens import DevTokens
from tests.gateway.conftest import GatewayFactory, dead_url


async def _calls(echo_url: str) -> int:
    async with httpx.AsyncClient() as c:
        return int((await c.get(f"{echo_url}/calls")).json()["count"])


async def test_proxy_forwards_method_path_query_body_and_request_id(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    async with make_gateway(childcare_url=echo_url) as gw:
        r = await gw.post(
            "/childcare/v1/echo/multi?a=1&b=二",
            content=b'{"x": 1}',
            headers={
                "content-type": "application/json",
                "x-request-id": "req-42",
                "proxy-authorization": "secret",
                "x-forwarded-for": "6.6.6.6",
                "x-custom": "kept",
                "accept-encoding": "br",
            },
        )

    assert r.status_code == 207
    echoed = r.json()
    assert (echoed["method"], echoed["path"]) == ("POST", "/childcare/v1/echo/multi")
    assert echoed["query"] == "a=1&b=%E4%BA%8C"
    assert echoed["body"] == '{"x": 1}'
    assert echoed["headers"]["x-request-id"] == "req-42"
    assert echoed["headers"]["x-custom"] == "kept"
    assert "proxy-authorization" not in echoed["headers"]
    # the peer is no trusted proxy: what it claims in X-Forwarded-For is not passed on
    assert echoed["headers"]["x-forwarded-for"] == "10.1.2.3"
    assert echoed["headers"]["accept-encoding"] == "br"
    assert r.headers["x-backend"] == "echo"
    assert r.headers.get_list("x-request-id") == ["req-42"]
    assert "x-powered-by" not in r.headers


async def test_a_backend_redirect_never_names_the_backend(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    async with make_gateway(childcare_url=echo_url) as gw:
        r = await gw.get("/childcare/v1/stats/?x=1")

    assert r.status_code == 307
    assert r.headers["location"] == "/childcare/v1/stats?x=1"
    assert echo_url.split("//")[1] not in r.text + str(r.headers)


async def test_a_backend_crash_page_becomes_a_problem_without_its_text(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    async with make_gateway(childcare_url=echo_url) as gw:
        r = await gw.get("/childcare/v1/crash")

    assert r.status_code == 502
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "bad_gateway"
    assert "db.internal" not in r.text and "<h1>" not in r.text


async def test_bad_token_is_401_before_any_backend_call(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    before = await _calls(echo_url)
    async with make_gateway(childcare_url=echo_url) as gw:
        r = await gw.get("/childcare/v1/echo/x", headers={"Authorization": "Bearer nonsense"})

    assert r.status_code == 401 and r.json()["code"] == "invalid_token"
    assert await _calls(echo_url) == before


async def test_readyz_reports_each_service(
    make_gateway: GatewayFactory, echo_url: str, slow_url: str
) -> None:
    async with make_gateway(
        childcare_url=echo_url, jobs_url=dead_url(), eldercare_url=slow_url
    ) as gw:
        r = await gw.get("/readyz")

    assert r.status_code == 503
    checks = r.json()["checks"]
    assert (checks["childcare"], checks["eldercare"]) == ("ok", "ok")
    assert checks["jobs"] == "service_unavailable"


def test_a_real_server_sends_one_date_and_one_server_header(
    echo_url: str, tokens: DevTokens
) -> None:
    env = {
        "CHILDCARE_URL": echo_url,
        "JOBS_URL": echo_url,
        "ELDERCARE_URL": echo_url,
        "ENVIRONMENT": "development",
        "DEV_KEY_FILE": str(tokens.public_key),
        "STARTUP_WARM_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    with served("gateway.main:create_app", env, ready_path="/healthz") as gw:
        r = httpx.get(f"{gw}/childcare/v1/echo/headers")

    assert r.status_code == 200
    assert len(r.headers.get_list("date")) == 1
    assert r.headers.get_list("server") == ["uvicorn"]
    assert r.headers["x-backend"] == "echo"
