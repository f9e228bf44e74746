"""The edge: rate limits that bad tokens and forged X-Forwarded-For cannot dodge, HTTP caching,
gzip and CORS. Limits are per hour: the sliding-window counter weighs the previous window, so a
test crossing a window's end could be let through one request more than a per-minute limit."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.tokens import DevTokens
from tests.gateway.conftest import GatewayFactory, set_modes

SERVICES = ("childcare", "jobs", "eldercare")


def _urls(url: str) -> dict[str, str]:
    return {f"{s}_url": url for s in SERVICES}


async def test_rate_limit_is_429_with_retry_after_per_citizen(
    make_gateway: GatewayFactory, echo_url: str, tokens: DevTokens
) -> None:
    async with make_gateway(childcare_url=echo_url, rate_limit="2/hour") as gw:
        busy = tokens.headers("busy-citizen", "citizen")
        statuses = [
            (await gw.get("/childcare/v1/echo/r", headers=busy)).status_code for _ in range(3)
        ]
        other = await gw.get("/childcare/v1/echo/r", headers=tokens.headers("calm", "citizen"))
        limited = await gw.get("/childcare/v1/echo/r", headers=busy)

    assert statuses == [200, 200, 429]
    assert other.status_code == 200
    assert limited.json()["code"] == "rate_limited"
    assert limited.headers["content-type"] == "application/problem+json"
    assert 1 <= int(limited.headers["retry-after"]) <= 3600


async def test_bad_tokens_count_against_the_address_and_meet_429(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    async with make_gateway(childcare_url=echo_url, anonymous_rate_limit="5/hour") as gw:
        bad = {"Authorization": "Bearer not-a-token"}
        statuses = [
            (await gw.get("/childcare/v1/echo/r", headers=bad)).status_code for _ in range(7)
        ]
        anonymous_after = await gw.get("/childcare/v1/echo/r")

    assert statuses == [401] * 5 + [429] * 2
    assert anonymous_after.status_code == 429  # the same address, the same bucket


async def test_forwarded_for_is_believed_only_from_a_trusted_proxy(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    limits = {"anonymous_rate_limit": "1/hour", "trusted_proxies": ["10.0.0.0/8"]}

    async def two_clients_behind(peer: str) -> tuple[list[int], str]:
        async with make_gateway(childcare_url=echo_url, peer=peer, **limits) as gw:
            statuses = []
            for client in ("203.0.113.7", "203.0.113.8"):
                # the client's own claim first, then what the proxy saw
                r = await gw.get(
                    "/childcare/v1/echo/r", headers={"X-Forwarded-For": f"1.1.1.1, {client}"}
                )
                statuses.append(r.status_code)
            return statuses, r.json()["headers"]["x-forwarded-for"] if r.status_code == 200 else ""

    trusted, forwarded = await two_clients_behind("10.0.0.5")
    untrusted, _ = await two_clients_behind("198.51.100.9")

    assert trusted == [200, 200]  # two clients, two buckets
    assert forwarded == "1.1.1.1, 203.0.113.8, 10.0.0.5"
    assert untrusted == [200, 429]  # one peer, one bucket, whatever it claims


async def test_public_reads_get_an_etag_and_304_personal_reads_no_store(
    make_gateway: GatewayFactory, contract_url: str, tokens: DevTokens
) -> None:
    await set_modes(contract_url)
    async with make_gateway(
        **_urls(contract_url), stats_cache_seconds=60, public_cache_seconds=45
    ) as gw:
        first = await gw.get("/wellbeing/v1/districts")
        again = await gw.get(
            "/wellbeing/v1/districts", headers={"If-None-Match": first.headers["etag"]}
        )
        other = await gw.get("/wellbeing/v1/districts", headers={"If-None-Match": '"nope"'})
        proxied = await gw.get("/jobs/v1/stats")
        proxied_again = await gw.get(
            "/jobs/v1/stats", headers={"If-None-Match": proxied.headers["etag"]}
        )
        personal = await gw.get("/wellbeing/v1/me", headers=tokens.headers("c-1", "citizen"))

    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=45"
    assert first.headers["etag"].startswith('"') and len(first.headers["etag"]) > 10
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert other.status_code == 200 and other.json() == first.json()
    assert proxied_again.status_code == 304
    assert personal.status_code == 200
    assert personal.headers["cache-control"] == "no-store"
    assert "etag" not in personal.headers


async def test_large_json_is_gzipped_small_is_not(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    async with make_gateway(childcare_url=echo_url) as gw:
        large = await gw.get("/childcare/v1/echo/large", headers={"Accept-Encoding": "gzip"})
        small = await gw.get("/childcare/v1/things", headers={"Accept-Encoding": "gzip"})

    assert large.headers["content-encoding"] == "gzip"
    assert len(large.json()["padding"]) == 4000  # httpx decoded it
    assert int(large.headers["content-length"]) < 4000
    assert "content-encoding" not in small.headers
    assert small.json() == {"items": [1, 2]}


async def test_head_has_the_headers_of_the_get_and_no_body(
    make_gateway: GatewayFactory, contract_url: str
) -> None:
    def headers(response: httpx.Response) -> dict[str, str]:
        return {k: v for k, v in response.headers.items() if k not in ("date", "x-request-id")}

    await set_modes(contract_url)
    gzip = {"Accept-Encoding": "gzip"}
    async with make_gateway(**_urls(contract_url), stats_cache_seconds=60) as gw:
        # proxied, and the gateway's own: both tagged by its cache layer and gzipped
        for path in ("/jobs/v1/stats", "/wellbeing/v1/districts"):
            get, head = await gw.get(path, headers=gzip), await gw.head(path, headers=gzip)
            assert (get.status_code, head.status_code) == (200, 200)
            assert head.content == b"" and get.content
            assert headers(head) == headers(get)
            assert "etag" in head.headers and head.headers["content-encoding"] == "gzip"


async def test_cors_allows_only_listed_origins(make_gateway: GatewayFactory, echo_url: str) -> None:
    async with make_gateway(childcare_url=echo_url, cors_origins=["https://app.example.cn"]) as gw:
        good = await gw.get("/childcare/v1/things", headers={"Origin": "https://app.example.cn"})
        evil = await gw.get("/childcare/v1/things", headers={"Origin": "https://evil.example"})
        preflight = await gw.options(
            "/childcare/v1/children",
            headers={
                "Origin": "https://app.example.cn",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, idempotency-key",
            },
        )

    assert good.headers["access-control-allow-origin"] == "https://app.example.cn"
    assert "x-request-id" in good.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-origin" not in evil.headers
    assert evil.status_code == 200  # CORS is the browser's check; the answer is the same
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()


async def test_station_check_ins_have_a_tighter_limit_per_address(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    # every service URL is the echo backend, which serves /childcare only: a check-in that
    # passes the limit is proxied and answered 404 there, one over the limit never leaves
    async with make_gateway(**_urls(echo_url), check_in_rate_limit="2/hour") as gw:
        body = {"worker_type": "courier"}
        check_ins = [
            (await gw.post("/jobs/v1/stations/1/check-ins", json=body)).status_code
            for _ in range(3)
        ]
        other_station = await gw.post("/jobs/v1/stations/2/check-ins", json=body)
        read = await gw.get("/childcare/v1/echo/r")

    assert check_ins == [404, 404, 429]
    assert other_station.status_code == 429  # per address, not per station
    assert read.status_code == 200  # the general limit is untouched


async def test_metrics_are_a_404_problem_to_a_peer_outside_the_allowlist(
    make_gateway: GatewayFactory,
) -> None:
    settings = {"metrics_allow": ["127.0.0.0/8", "::1/128"], "startup_warm_seconds": 0}
    async with make_gateway(peer="203.0.113.5", **settings) as outsider:
        hidden = await outsider.get("/metrics")
        hidden_head = await outsider.head("/metrics")
    async with make_gateway(peer="::1", **settings) as operator:
        shown = await operator.get("/metrics")

    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    assert hidden.headers["content-type"] == "application/problem+json"
    assert "gateway_" not in hidden.text
    assert hidden_head.status_code == 404 and hidden_head.content == b""
    assert shown.status_code == 200 and "gateway_circuit_breaker_state" in shown.text


async def test_refused_cors_preflights_are_problems_naming_what_was_refused(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    def preflight(origin: str, method: str, headers: str) -> dict[str, str]:
        return {
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        }

    good = "https://app.example.cn"
    async with make_gateway(childcare_url=echo_url, cors_origins=[good]) as gw:
        path = "/childcare/v1/children"
        origin = await gw.options(path, headers=preflight("https://evil.example", "POST", ""))
        method = await gw.options(path, headers=preflight(good, "TRACE", "authorization"))
        header = await gw.options(path, headers=preflight(good, "POST", "x-not-listed"))

    refusals = {"origin": origin, "method": method, "headers": header}
    for what, r in refusals.items():
        assert r.status_code == 400
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == f"cors_{what}_not_allowed"
        assert r.json()["status"] == 400
        assert r.headers["x-request-id"]
        assert "origin" in r.headers["vary"].lower()


@pytest.mark.parametrize("path", ["/jobs/v1/stats", "/wellbeing/v1/districts"])
async def test_gzip_and_identity_answers_have_their_own_etag_and_both_revalidate(
    make_gateway: GatewayFactory, contract_url: str, path: str
) -> None:
    identity, gzip = {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip"}
    await set_modes(contract_url)
    async with make_gateway(**_urls(contract_url), stats_cache_seconds=60) as gw:
        plain = await gw.get(path, headers=identity)
        packed = await gw.get(path, headers=gzip)
        plain_again = await gw.get(
            path, headers={**identity, "If-None-Match": plain.headers["etag"]}
        )
        packed_again = await gw.get(path, headers={**gzip, "If-None-Match": packed.headers["etag"]})
        stale = await gw.get(path, headers={**gzip, "If-None-Match": '"something-else-gzip"'})

    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.json() == plain.json()
    tags = (plain.headers["etag"], packed.headers["etag"])
    assert tags[0] != tags[1] and not any(t.startswith("W/") for t in tags)  # strong, distinct
    assert (plain_again.status_code, plain_again.headers["etag"]) == (304, tags[0])
    assert (packed_again.status_code, packed_again.headers["etag"]) == (304, tags[1])
    assert plain_again.content == packed_again.content == b""
    assert stale.status_code == 200 and stale.headers["etag"] == tags[1]
