"""Paths on a real gateway process, written raw to a socket: dot segments (plain or
percent-encoded) and encoded slashes are refused with `400 invalid_path` before routing, so no
limit is dodged and no service's operational route is reached; every other path reaches the
backend exactly as the client sent it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.fixtures.raw_http import exchange, request_line
from tests.fixtures.tokens import DevTokens
from tests.gateway.conftest import gateway_process, seen_by

CHECK_IN = json.dumps({"worker_type": "courier"}).encode()
DOTTED_CHECK_INS = [
    "/jobs/v1/stations/1/./check-ins",
    "/jobs/v1/stations/1/%2e/check-ins",
    "/jobs/v1/stations/1/%2E/check-ins",
    "/jobs/v1/stations/1/x/../check-ins",
    "/jobs/v1/stations/1/x/%2e%2E/check-ins",
    "/jobs/v1/stations/1/x/.%2e/check-ins",
]
TO_OPERATIONAL_ROUTES = [
    "/childcare/../metrics",
    "/jobs/%2e%2e/metrics",
    "/eldercare/..%2freadyz",
    "/childcare/%2e%2e/openapi.json",
    "/childcare/%2E%2E/docs",
    "/jobs/v1%2f..%2f..%2fmetrics",
    "/eldercare/v1%5c..%5c..%5creadyz",
    "/childcare/v1/institutions%2F1",
]


@pytest.fixture(scope="module")
def gateway(tokens: DevTokens, recording_url: str) -> Iterator[str]:
    with gateway_process(tokens, recording_url, CHECK_IN_RATE_LIMIT="3/hour") as url:
        yield url


def test_dot_segments_are_refused_and_the_check_in_limit_still_counts(
    gateway: str, recording_url: str
) -> None:
    before = len(seen_by(recording_url))
    early = [exchange(gateway, request_line("POST", p, CHECK_IN)) for p in DOTTED_CHECK_INS]
    plain = [
        exchange(gateway, request_line("POST", "/jobs/v1/stations/1/check-ins", CHECK_IN)).status
        for _ in range(4)
    ]
    late = [exchange(gateway, request_line("POST", p, CHECK_IN)) for p in DOTTED_CHECK_INS]

    assert plain == [200, 200, 200, 429]  # the dotted ones were not proxied nor counted
    for answer in early + late:
        assert answer.status == 400
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "invalid_path"
        assert answer.headers["x-request-id"]
    assert seen_by(recording_url)[before:] == ["/jobs/v1/stations/1/check-ins"] * 3


@pytest.mark.parametrize("path", TO_OPERATIONAL_ROUTES)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_no_path_reaches_a_services_operational_routes(
    gateway: str, recording_url: str, path: str, method: str
) -> None:
    before = len(seen_by(recording_url))
    answer = exchange(gateway, request_line(method, path))

    assert answer.status == 400
    assert answer.headers["content-type"] == "application/problem+json"
    if method == "GET":
        assert answer.json()["code"] == "invalid_path"
    assert seen_by(recording_url)[before:] == []


@pytest.mark.parametrize(
    "path",
    [
        "/childcare/v1/institutions?q=%E6%96%B0%E5%9F%8E",
        "/childcare/v1/institutions/%E6%96%B0%E5%9F%8E",
        "/jobs/v1/postings/%252e%252e",  # an encoded '%': a name, not a dot segment
        "/eldercare/v1/facilities/a.b/..c/.d.",
    ],
)
def test_other_paths_reach_the_backend_exactly_as_sent(
    gateway: str, recording_url: str, path: str
) -> None:
    before = len(seen_by(recording_url))
    answer = exchange(gateway, request_line("GET", path))

    assert answer.status == 200
    assert seen_by(recording_url)[before:] == [path.split("?")[0]]
