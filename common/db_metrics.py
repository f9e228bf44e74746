"""The database pool as Prometheus gauges (`db_pool_size`, `db_pool_checked_out`), so pool
saturation can be alerted on before requests queue for a connection."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool


class _PoolCollector(Collector):
    """Read at scrape time from the engines the running apps registered: a service process has
    one app; a test process may start more of one service, and the latest one is reported."""

    def __init__(self) -> None:
        self._engines: dict[str, list[AsyncEngine]] = {}

    def register(self, service: str, engine: AsyncEngine) -> None:
        self._engines.setdefault(service, []).append(engine)

    def unregister(self, service: str, engine: AsyncEngine) -> None:
        engines = self._engines.get(service, [])
        if engine in engines:
            engines.remove(engine)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        size = GaugeMetricFamily("db_pool_size", "Connections the pool keeps", labels=["service"])
        used = GaugeMetricFamily(
            "db_pool_checked_out", "Pool connections in use by requests", labels=["service"]
        )
        for service, engines in self._engines.items():
            if not engines:
                continue
            pool = engines[-1].sync_engine.pool
            if isinstance(pool, QueuePool):
                size.add_metric([service], pool.size())
                used.add_metric([service], pool.checkedout())
        yield size
        yield used


POOLS = _PoolCollector()
REGISTRY.register(POOLS)
