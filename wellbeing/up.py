"""`wellbeing up`: the whole platform on one machine, no Docker.

Order: data dir (keys, local secrets) → embedded PostgreSQL → roles, schemas, extensions →
migrations (each service as its own role) → demo data once → four uvicorn processes → wait for
every /readyz → banner on stdout → foreground until Ctrl-C/SIGTERM → stop processes, then the
database. Progress and errors go to stderr; the processes' JSON log lines to `DIR/logs/*.log`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import typer
from alembic import command

from common.auth import mint_token
from common.demo import DEMO_CITIZEN
from common.migrations import alembic_config
from common.provisioning import EmbeddedPostgres, bootstrap, start_embedded
from common.registry import PROCESS_NAMES, SERVICE_NAMES
from common.settings import AuthSettings
from wellbeing.datadir import DATABASE, DataDir
from wellbeing.processes import StartupError, Supervisor, uvicorn_argv
from wellbeing.seeding import seed_service


@dataclass(frozen=True)
class Ports:
    gateway: int
    childcare: int
    jobs: int
    eldercare: int

    def of(self, process: str) -> int:
        port: int = getattr(self, process)
        return port


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _check(stop: threading.Event) -> None:
    if stop.is_set():
        raise StartupError("interrupted while starting")


def _migrate_and_seed(data: DataDir, pg: EmbeddedPostgres, stop: threading.Event) -> dict[str, str]:
    """Roles, schemas, migrations and (once per service) demo data; returns each role's URL."""
    urls = asyncio.run(bootstrap(pg.url(), DATABASE))
    for service in SERVICE_NAMES:
        _check(stop)
        command.upgrade(alembic_config(service, urls[service]), "head")
    _say("migrations at head")
    done = data.seeded_services()
    if done >= set(SERVICE_NAMES):
        _say("demo data already present; not re-seeding")
        return urls
    for service in SERVICE_NAMES:
        _check(stop)
        if service in done:
            _say(f"{service}: demo data already present; not re-seeding")
            continue
        inserted = asyncio.run(seed_service(service, urls[service]))
        if inserted is None:
            _say(f"{service}: no demo data (no services/{service}/seed.py yet)")
            continue
        _say(f"{service}: {'demo data inserted' if inserted else 'demo data was already there'}")
        data.mark_seeded(service)
    return urls


def _start_processes(
    supervisor: Supervisor, data: DataDir, host: str, ports: Ports, urls: dict[str, str]
) -> dict[str, str]:
    common_env = {
        "ENVIRONMENT": "development",
        "DEV_KEY_FILE": str(data.public_key),
        **data.local_secrets(),
    }
    base = {p: f"http://{host}:{ports.of(p)}" for p in PROCESS_NAMES}
    for service in SERVICE_NAMES:
        supervisor.start(
            service,
            uvicorn_argv(service, host, ports.of(service)),
            {**common_env, "DATABASE_URL": urls[service]},
        )
    supervisor.start(
        "gateway",
        uvicorn_argv("gateway", host, ports.gateway),
        {
            **common_env,
            "CHILDCARE_URL": base["childcare"],
            "JOBS_URL": base["jobs"],
            "ELDERCARE_URL": base["eldercare"],
        },
    )
    return base


def _banner(data: DataDir, base: dict[str, str], seconds: float) -> str:
    auth = AuthSettings()
    demo_token = mint_token(
        data.private_key.read_bytes(),
        sub=DEMO_CITIZEN,
        roles=["citizen"],
        issuer=auth.jwt_issuer,
        audience=auth.jwt_audience,
    )
    data_dir_arg = "" if data.path == Path(".wellbeing").resolve() else f" --data-dir {data.path}"
    return "\n".join(
        [
            f"Hohhot wellbeing platform ready in {seconds:.1f} s",
            f"  gateway    {base['gateway']}   (API docs: {base['gateway']}/docs)",
            *(f"  {s:<10} {base[s]}   (docs: {base[s]}/docs)" for s in SERVICE_NAMES),
            f"  logs       {data.logs}/<process>.log",
            f"  demo citizen token (sub {DEMO_CITIZEN}):",
            f"  {demo_token}",
            f"  more tokens: wellbeing token --sub citizen-1 --role citizen{data_dir_arg}",
            "Press Ctrl-C to stop.",
        ]
    )


def run_up(data_dir: Path, host: str, ports: Ports) -> int:
    """Runs the platform until a signal; returns the exit code."""
    data = DataDir(data_dir.expanduser().resolve())
    if not data.path.parent.is_dir():
        _say(f"wellbeing: the parent of the data dir ({data.path.parent}) must exist")
        return 2
    data.prepare()
    if (other := data.running_up()) is not None:
        _say(f"wellbeing: `wellbeing up` (pid {other}) is already running on {data.path}")
        return 2
    data.pid_file.write_text(f"{os.getpid()}\n")

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    started = time.monotonic()
    supervisor = Supervisor(data.logs, say=_say)
    pg: EmbeddedPostgres | None = None
    try:
        _say(f"starting PostgreSQL in {data.pgdata} ...")
        pg = start_embedded(data.pgdata)
        urls = _migrate_and_seed(data, pg, stop)
        _check(stop)
        base = _start_processes(supervisor, data, host, ports, urls)
        supervisor.wait_ready(base, stop)
        typer.echo(_banner(data, base, time.monotonic() - started))
        while not stop.wait(0.5):
            supervisor.tend()
        _say("stopping ...")
        return 0
    except Exception as exc:  # every failure ends in the same clean shutdown below
        _say(f"wellbeing: {exc}")
        return 1
    finally:
        supervisor.stop_all()
        if pg is not None:
            try:
                pg.stop()
            except Exception as exc:  # still release the data dir and say so
                _say(f"wellbeing: stopping PostgreSQL failed: {exc}")
        data.pid_file.unlink(missing_ok=True)
        _say(f"stopped; data kept in {data.path}")
