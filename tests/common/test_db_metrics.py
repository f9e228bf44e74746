"""The pool gauges the `WellbeingDatabasePoolSaturated` alert reads, from a real service app."""

from __future__ import annotations

import re

from fastapi import FastAPI

from tests.fixtures.clients import committing_client


def gauge(metrics: str, name: str, service: str) -> float:
    match = re.search(rf'^{name}{{service="{service}"}} (\S+)$', metrics, re.MULTILINE)
    assert match, f"{name} for {service} not in /metrics"
    return float(match[1])


async def test_metrics_show_pool_size_and_connections_in_use(childcare_app: FastAPI) -> None:
    async with committing_client(childcare_app) as client:
        idle = (await client.get("/metrics")).text
        async with childcare_app.state.engine.connect(), childcare_app.state.engine.connect():
            busy = (await client.get("/metrics")).text

    size = childcare_app.state.settings.database_pool_size
    assert gauge(idle, "db_pool_size", "childcare") == size
    in_use = gauge(idle, "db_pool_checked_out", "childcare")
    assert gauge(busy, "db_pool_checked_out", "childcare") == in_use + 2
