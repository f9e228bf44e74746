"""The real four-process topology for end-to-end tests: three services on a seeded scratch
database and the gateway, each a uvicorn process on its own loopback port; a service can be
stopped and started again on the same port. With TEST_PGBOUNCER=1 the services reach the
database through a real PgBouncer in transaction mode, as in production."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from common.provisioning import ProvisionedDatabase, scratch_database
from common.registry import GATEWAY, SERVICE_NAMES, process
from tests.fixtures.pgbouncer import THROUGH_PGBOUNCER, running_pgbouncer
from tests.fixtures.processes import free_port, served
from tests.fixtures.tokens import DevTokens
from wellbeing.seeding import seed_service


@dataclass
class Platform:
    gateway: str
    env: dict[str, dict[str, str]]
    ports: dict[str, int]
    log_dir: Path | None = None  # each process's output as `<name>.log`, when a test reads it
    _running: dict[str, AbstractContextManager[str]] = field(default_factory=dict)

    def log_of(self, name: str) -> Path | None:
        return None if self.log_dir is None else self.log_dir / f"{name}.log"

    def start(self, service: str) -> None:
        context = served(
            process(service).app_factory,
            self.env[service],
            port=self.ports[service],
            log_path=self.log_of(service),
        )
        context.__enter__()
        self._running[service] = context

    def stop(self, service: str) -> None:
        """SIGTERM, and wait for the process to end: its port refuses connections after."""
        self._running.pop(service).__exit__(None, None, None)

    def stop_all(self) -> None:
        for service in list(self._running):
            self.stop(service)


@contextmanager
def four_processes(
    db: ProvisionedDatabase,
    tokens: DevTokens,
    gateway_env: dict[str, str],
    *,
    log_dir: Path | None = None,
    log_level: str = "WARNING",
    service_env: dict[str, str] | None = None,
) -> Iterator[Platform]:
    auth = {"ENVIRONMENT": "development", "DEV_KEY_FILE": str(tokens.public_key)}
    with scratch_database(db.admin_url) as urls, ExitStack() as stack:
        for service in SERVICE_NAMES:
            asyncio.run(seed_service(service, urls[service]))
        ports = {name: free_port() for name in SERVICE_NAMES}
        env = {
            name: {
                **auth,
                "DATABASE_URL": urls[name],
                "LOG_LEVEL": log_level,
                **(service_env or {}),
            }
            for name in SERVICE_NAMES
        }
        if THROUGH_PGBOUNCER:  # .ci/run's PgBouncer phase: as production connects
            bouncer = stack.enter_context(running_pgbouncer(db.admin_url))
            for name in SERVICE_NAMES:
                env[name] |= {"DATABASE_URL": bouncer.via(urls[name]), "DATABASE_PGBOUNCER": "true"}
        platform = Platform(gateway="", env=env, ports=ports, log_dir=log_dir)
        stack.callback(platform.stop_all)
        for service in SERVICE_NAMES:
            platform.start(service)
        gateway_env = {
            **auth,
            **{f"{n.upper()}_URL": f"http://127.0.0.1:{p}" for n, p in ports.items()},
            "LOG_LEVEL": log_level,
            **gateway_env,
        }
        platform.gateway = stack.enter_context(
            served(GATEWAY.app_factory, gateway_env, log_path=platform.log_of("gateway"))
        )
        yield platform
