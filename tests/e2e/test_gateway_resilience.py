"""The real four-process topology with one service killed and brought back: the citizen view
answers inside its deadline with that section `unavailable`, the district indicators serve the
service's last good figures `stale`, its circuit opens (visible in /metrics) and closes again
once the service is back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from common.provisioning import ProvisionedDatabase
from tests.e2e.platform import Platform, four_processes
from tests.fixtures.tokens import DevTokens
from tests.fixtures.waiting import eventually_sync

pytestmark = pytest.mark.e2e
DEADLINE = 1.5


@pytest.fixture(scope="module")
def platform(db: ProvisionedDatabase, tokens: DevTokens) -> Iterator[Platform]:
    gateway_env = {
        "AGGREGATE_DEADLINE_SECONDS": str(DEADLINE),
        "BREAKER_THRESHOLD": "2",
        "BREAKER_RESET_SECONDS": "1",
        "STATS_CACHE_SECONDS": "0",
    }
    with four_processes(db, tokens, gateway_env) as running:
        yield running


def _breaker(gw: httpx.Client, service: str) -> float:
    text = gw.get("/metrics").text
    match = re.search(rf'^gateway_circuit_breaker_state{{service="{service}"}} (\S+)$', text, re.M)
    assert match, text[:500]
    return float(match.group(1))


def _rejections(gw: httpx.Client, service: str) -> float:
    text = gw.get("/metrics").text
    pattern = rf'^gateway_circuit_breaker_rejections_total{{service="{service}"}} (\S+)$'
    match = re.search(pattern, text, re.M)
    return float(match.group(1)) if match else 0.0


def _when_up(spec: dict[str, Any], service: str, document: str) -> str:
    """A service that serves the document must be `ok`; one that does not yet (a missing route)
    is a deployment fault, `error`, never an outage."""
    return "ok" if f"/{service}/v1/{document}" in spec["paths"] else "error"


def test_a_killed_service_degrades_its_parts_and_its_circuit_closes_when_it_returns(
    platform: Platform, tokens: DevTokens
) -> None:
    citizen = tokens.headers("citizen-e2e-resilience", "citizen")
    with httpx.Client(base_url=platform.gateway, timeout=10) as gw:
        spec = gw.get("/openapi.json").json()
        child = gw.post(
            "/childcare/v1/children",
            json={"name": "韧性测试", "birth_date": "2025-02-01"},
            headers=citizen,
        )
        assert child.status_code == 201, child.text
        before = gw.get("/wellbeing/v1/me", headers=citizen).json()
        assert before["childcare"]["status"] == "ok"
        assert [c["name"] for c in before["childcare"]["data"]["children"]] == ["韧性测试"]
        for service in ("jobs", "eldercare"):
            assert before[service]["status"] == _when_up(spec, service, "me/summary")
        good = gw.get("/wellbeing/v1/districts").json()["items"]
        assert {i["childcare"]["status"] for i in good} == {"ok"}
        assert sum(i["childcare"]["data"]["slots"] for i in good) > 0
        assert _breaker(gw, "childcare") == 0

        platform.stop("childcare")

        during = gw.get("/wellbeing/v1/me", headers=citizen)
        assert during.status_code == 200
        view = during.json()
        assert view["complete"] is False
        assert (view["childcare"]["status"], view["childcare"]["data"]) == ("unavailable", None)
        for service in ("jobs", "eldercare"):
            assert view[service]["status"] == before[service]["status"]

        stale = gw.get("/wellbeing/v1/districts").json()["items"]
        assert {i["childcare"]["status"] for i in stale} == {"stale"}
        assert [i["childcare"]["data"] for i in stale] == [i["childcare"]["data"] for i in good]
        # seconds since the gateway last read childcare, not the age of its `as_of`
        assert all(0 <= i["childcare"]["age_seconds"] <= 60 for i in stale)

        # two failures opened the circuit: the next call is refused without a connection
        assert _breaker(gw, "childcare") == 2
        rejected = _rejections(gw, "childcare")
        refused = gw.get("/childcare/v1/stats")
        assert refused.status_code == 503 and refused.json()["code"] == "service_unavailable"
        assert "熔断已打开" in refused.json()["detail"]
        assert _rejections(gw, "childcare") == rejected + 1

        platform.start("childcare")
        back = eventually_sync(
            lambda: gw.get("/childcare/v1/stats"), lambda r: r.status_code == 200
        )
        assert back.json()["by_district"]
        assert _breaker(gw, "childcare") == 0
        after = gw.get("/wellbeing/v1/me", headers=citizen).json()
        assert after["childcare"]["status"] == "ok"
        assert [c["name"] for c in after["childcare"]["data"]["children"]] == ["韧性测试"]
        fresh = gw.get("/wellbeing/v1/districts/saihan").json()
        assert fresh["childcare"]["status"] == "ok" and fresh["childcare"]["age_seconds"] is None
