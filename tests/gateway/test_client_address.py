"""Who the caller is, on a real gateway process launched with the product's uvicorn command: the
server's own proxy-header handling is off, so a forged `X-Forwarded-For` picks no rate-limit
bucket; only the gateway's `TRUSTED_PROXIES` rule reads that header."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import httpx

from tests.fixtures.tokens import DevTokens
from tests.gateway.conftest import gateway_process

_addresses = (f"198.51.100.{n}" for n in itertools.count(1))
# limits per hour, not per minute: the sliding-window counter weighs the previous window, so
# a test that crosses a window's end may be let through one request more than the limit


def forged() -> dict[str, str]:
    """A fresh, made-up client address on every call."""
    return {"X-Forwarded-For": next(_addresses)}


def answers(
    tokens: DevTokens,
    backend: str,
    send: Callable[[httpx.Client], httpx.Response],
    times: int,
    **settings: str,
) -> list[httpx.Response]:
    """`send` called `times` times against a fresh gateway process with these settings."""
    with gateway_process(tokens, backend, **settings) as gw, httpx.Client(base_url=gw) as client:
        return [send(client) for _ in range(times)]


def test_forged_forwarded_for_does_not_escape_the_anonymous_limit(
    tokens: DevTokens, echo_url: str
) -> None:
    def read(client: httpx.Client) -> httpx.Response:
        return client.get("/childcare/v1/echo/r", headers=forged())

    got = answers(tokens, echo_url, read, 14, ANONYMOUS_RATE_LIMIT="10/hour")

    assert [a.status_code for a in got] == [200] * 10 + [429] * 4
    assert {a.json()["code"] for a in got[10:]} == {"rate_limited"}
    # what the backend was told is the socket peer, not the claim
    assert {a.json()["headers"]["x-forwarded-for"] for a in got[:10]} == {"127.0.0.1"}


def test_forged_forwarded_for_does_not_escape_the_check_in_limit(
    tokens: DevTokens, recording_url: str
) -> None:
    def check_in(client: httpx.Client) -> httpx.Response:
        body = {"worker_type": "courier"}
        return client.post("/jobs/v1/stations/7/check-ins", json=body, headers=forged())

    got = answers(tokens, recording_url, check_in, 6, CHECK_IN_RATE_LIMIT="3/hour")

    assert [a.status_code for a in got] == [200] * 3 + [429] * 3


def test_forged_forwarded_for_does_not_escape_the_bad_token_lockout(
    tokens: DevTokens, echo_url: str
) -> None:
    def bad_token(client: httpx.Client) -> httpx.Response:
        headers = {**forged(), "Authorization": "Bearer not-a-token"}
        return client.get("/childcare/v1/echo/r", headers=headers)

    got = answers(tokens, echo_url, bad_token, 7, ANONYMOUS_RATE_LIMIT="4/hour")

    assert [a.status_code for a in got] == [401] * 4 + [429] * 3


def test_behind_a_trusted_proxy_the_first_untrusted_hop_from_the_right_is_the_client(
    tokens: DevTokens, echo_url: str
) -> None:
    settings = {"ANONYMOUS_RATE_LIMIT": "1/hour", "TRUSTED_PROXIES": "127.0.0.1/32"}
    with (
        gateway_process(tokens, echo_url, **settings) as gw,
        httpx.Client(base_url=gw) as client,
    ):

        def via_proxy(client_address: str) -> httpx.Response:
            # the client's own claim first, then what the trusted proxy saw
            chain = f"1.1.1.1, {client_address}"
            return client.get("/childcare/v1/echo/r", headers={"X-Forwarded-For": chain})

        first, second = via_proxy("203.0.113.7"), via_proxy("203.0.113.8")
        again = via_proxy("203.0.113.7")
        same_claim_other_hop = via_proxy("203.0.113.9")

    assert (first.status_code, second.status_code) == (200, 200)  # two clients, two buckets
    assert first.json()["headers"]["x-forwarded-for"] == "1.1.1.1, 203.0.113.7, 127.0.0.1"
    assert again.status_code == 429  # the bucket of 203.0.113.7, whatever it claims on the left
    assert same_claim_other_hop.status_code == 200


def test_metrics_answer_only_allowed_direct_peers_whatever_the_forwarded_for(
    tokens: DevTokens, echo_url: str
) -> None:
    claim = {"X-Forwarded-For": "203.0.113.5"}
    with gateway_process(tokens, echo_url) as gw:  # METRICS_ALLOW left at its default
        local = httpx.get(f"{gw}/metrics", headers=claim)
    settings = {"METRICS_ALLOW": "10.0.0.0/8", "TRUSTED_PROXIES": "127.0.0.1/32"}
    with gateway_process(tokens, echo_url, **settings) as gw:
        # a trusted proxy vouches for 10.1.2.3: still not the socket's peer
        refused = httpx.get(f"{gw}/metrics", headers={"X-Forwarded-For": "10.1.2.3"})
        unknown = httpx.get(f"{gw}/nothing-here")

    assert local.status_code == 200 and "http_requests_total" in local.text
    assert refused.status_code == 404
    assert refused.headers["content-type"] == "application/problem+json"
    # told apart from any unknown path by nothing but the path itself
    assert refused.json() == {
        **unknown.json(),
        "detail": "/metrics 处没有资源。",  # zh-CN: the request asked for no language
        "instance": "/metrics",
    }
