"""The connection budget of docs/operations.md ("Connections") holds at every HPA maximum, with a
rolling update's surge pod on top, read from the rendered overlays and PgBouncer's config."""

from __future__ import annotations

import configparser
import re

import pytest

from tests.deploy.support import OVERLAYS, ROOT, SERVICES, config, of_kind

# PostgreSQL's defaults; a server with other values needs the sums below done again
MAX_CONNECTIONS = 100
SUPERUSER_RESERVED = 3
# the migration Job migrates one service at a time on one connection; the backup CronJob dumps
# one schema at a time (bootstrap's superuser connection uses the reserved slots)
MIGRATE, BACKUP = 1, 1


def most_pods(overlay: str, name: str) -> int:
    """Pods of a Deployment at its HPA maximum (else its replicas) plus the rollout's surge."""
    deployment = of_kind("Deployment", overlay)[name]
    hpa = of_kind("HorizontalPodAutoscaler", overlay).get(name)
    replicas = hpa["spec"]["maxReplicas"] if hpa else deployment["spec"]["replicas"]
    surge = deployment["spec"]["strategy"]["rollingUpdate"]["maxSurge"]
    assert isinstance(surge, int)
    return int(replicas) + surge


def service_connections(overlay: str) -> int:
    pool = int(config(overlay)["DATABASE_POOL_SIZE"])
    return sum(most_pods(overlay, s) * pool for s in SERVICES)


def pgbouncer(overlay: str) -> configparser.SectionProxy:
    ini = configparser.ConfigParser()
    ini.read_string(config(overlay, "wellbeing-pgbouncer-config")["pgbouncer.ini"])
    return ini["pgbouncer"]


def server_connections(overlay: str) -> int:
    """What PostgreSQL sees from the services: their pools, or PgBouncer's server pools."""
    if config(overlay)["DATABASE_PGBOUNCER"] != "true":
        return service_connections(overlay)
    settings = pgbouncer(overlay)
    per_bouncer = int(settings["max_db_connections"])
    pools = len(SERVICES) * int(settings["default_pool_size"])  # one per (database, role)
    assert per_bouncer <= pools + int(settings["reserve_pool_size"])
    return most_pods(overlay, "pgbouncer") * per_bouncer


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_postgresql_connections_hold_at_every_hpa_maximum(overlay: str) -> None:
    assert server_connections(overlay) + MIGRATE + BACKUP <= MAX_CONNECTIONS - SUPERUSER_RESERVED


def test_one_pgbouncer_takes_every_service_pod_at_the_maxima() -> None:
    settings = pgbouncer("prod")
    assert settings["pool_mode"] == "transaction"
    # a Service spreads connections, but nothing stops them all landing on one replica
    assert service_connections("prod") <= int(settings["max_client_conn"])


def test_without_pgbouncer_the_prod_maxima_would_not_fit() -> None:
    # why prod has PgBouncer at all: the services' own pools at the HPA maxima
    assert service_connections("prod") > MAX_CONNECTIONS


def test_the_operations_guide_states_these_numbers() -> None:
    guide = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = guide.split("**Connections.**", 1)[1].split("\n## ", 1)[0]
    for overlay in OVERLAYS:
        used = server_connections(overlay) + MIGRATE + BACKUP
        assert re.search(rf"\b{used}\b", section), f"{overlay}: {used} not in the guide"
    assert re.search(rf"\b{service_connections('prod')}\b", section)
