"""`wellbeing up`: the whole platform on one machine, no Docker."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import typer
from alembic import command

from common.auth import mint_token
from common.migrations import SERVICES, alembic_config
from common.settings import AuthSettings
from wellbeing.database import bootstrap, start_embedded
from wellbeing.datadir import DATABASE, DataDir
from wellbeing.processes import Supervisor, uvicorn_argv
from wellbeing.seeding import seed_service

DEMO_CITIZEN = "citizen-demo"


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


def run_up(data_dir: Path, host: str, ports: Ports) -> int:
    data = DataDir(data_dir.expanduser().resolve())
    if not data.path.parent.exists():
        _say(f"wellbeing: the parent of the data dir ({data.path.parent}) must exist")
        return 2
    data.prepare()
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    _say(f"starting PostgreSQL in {data.pgdata} ...")
    started = time.monotonic()
    pg = start_embedded(data.pgdata)
    supervisor = Supervisor(data.logs)
    try:
        urls = asyncio.run(bootstrap(pg.url(), DATABASE))
        for service in SERVICES:
            command.upgrade(alembic_config(service, urls[service]), "head")
        _say("migrations at head")
        if data.seeded_marker.exists():
            _say("demo data already present; not re-seeding")
        else:
            for service in SERVICES:
                inserted = asyncio.run(seed_service(service, urls[service]))
                _say(f"{service}: {'demo data inserted' if inserted else 'no new demo data'}")
            data.seeded_marker.write_text("seeded\n")

        common_env = {
            "ENVIRONMENT": "development",
            "DEV_KEY_FILE": str(data.public_key),
            **data.local_secrets(),
        }
        base = {
            p: f"http://{host}:{ports.of(p)}" for p in ("childcare", "jobs", "eldercare", "gateway")
        }
        for service in SERVICES:
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
        supervisor.wait_ready(base)
        auth = AuthSettings()
        demo_token = mint_token(
            data.private_key.read_bytes(),
            sub=DEMO_CITIZEN,
            roles=["citizen"],
            issuer=auth.jwt_issuer,
            audience=auth.jwt_audience,
        )
        typer.echo(
            "\n".join(
                [
                    f"Hohhot wellbeing platform ready in {time.monotonic() - started:.1f} s",
                    f"  gateway    {base['gateway']}   (API docs: {base['gateway']}/docs)",
                    *(f"  {s:<10} {base[s]}" for s in SERVICES),
                    f"  logs       {data.logs}",
                    f"  demo citizen token (sub {DEMO_CITIZEN}):",
                    f"  {demo_token}",
                    "  more tokens: wellbeing token --sub citizen-1 --role citizen"
                    + (
                        ""
                        if data.path == Path(".wellbeing").resolve()
                        else f" --data-dir {data.path}"
                    ),
                    "Press Ctrl-C to stop.",
                ]
            ),
        )
        while not stop.wait(0.5):
            if died := supervisor.dead():
                _say(f"wellbeing: {', '.join(died)} stopped unexpectedly; see {data.logs}")
                return 1
        _say("stopping ...")
        return 0
    except Exception as exc:
        _say(f"wellbeing: {exc}")
        return 1
    finally:
        supervisor.stop_all()
        pg.stop()
        _say("stopped; data kept in " + str(data.path))
