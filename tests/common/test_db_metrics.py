"""The pool gauges the `WellbeingDatabasePoolSaturated` alert reads, from a real service app."""

from __future__ import annotations

import re

from common.provisioning import ProvisionedDatabase
from common.state import service_context
from services.childcare.config import Settings
from services.childcare.main import create_app
from tests.fixtures.clients import committing_client, running_app
from tests.fixtures.tokens import DevTokens


def gauge(metrics: str, name: str, service: str) -> float:
    match = re.search(rf'^{name}{{service="{service}"}} (\S+)$', metrics, re.MULTILINE)
    assert match, f"{name} for {service} not in /metrics"
    return float(match[1])


async def test_metrics_show_pool_size_and_connections_in_use(
    db: ProvisionedDatabase, tokens: DevTokens
) -> None:
    settings = Settings(
        database_url=db.service_urls["childcare"],
        database_pool_size=5,
        notify_dispatch=False,  # its polls would check connections out while this counts them
        **tokens.settings(),
    )
    app = create_app(settings)
    async with running_app(app), committing_client(app) as client:
        idle = (await client.get("/metrics")).text
        engine = service_context(app).database.engine
        async with engine.connect(), engine.connect():
            busy = (await client.get("/metrics")).text

    assert gauge(idle, "db_pool_size", "childcare") == 5
    in_use = gauge(idle, "db_pool_checked_out", "childcare")
    assert gauge(busy, "db_pool_checked_out", "childcare") == in_use + 2
