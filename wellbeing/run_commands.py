"""`wellbeing up` (the whole platform on a laptop) and `wellbeing serve` (one process in a
container)."""

from __future__ import annotations

import importlib
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from common.registry import PROCESS_NAMES
from common.registry import process as process_spec
from wellbeing.cli import DataDirOption, app, fail, one_of


@app.command()
def up(
    data_dir: DataDirOption = Path(".wellbeing"),
    host: Annotated[str, typer.Option(envvar="WELLBEING_HOST")] = "127.0.0.1",
    gateway_port: Annotated[int, typer.Option(envvar="GATEWAY_PORT")] = 8000,
    childcare_port: Annotated[int, typer.Option(envvar="CHILDCARE_PORT")] = 8001,
    jobs_port: Annotated[int, typer.Option(envvar="JOBS_PORT")] = 8002,
    eldercare_port: Annotated[int, typer.Option(envvar="ELDERCARE_PORT")] = 8003,
) -> None:
    """Start PostgreSQL (embedded), migrate, seed once, run all four processes until Ctrl-C."""
    from wellbeing.up import Ports, run_up

    ports = Ports(
        gateway=gateway_port, childcare=childcare_port, jobs=jobs_port, eldercare=eldercare_port
    )
    raise typer.Exit(run_up(data_dir, host, ports))


def _check_settings(app_factory: str) -> None:
    """Reads the process's settings before uvicorn starts, so a bad configuration is one clear
    line and exit 2, not a traceback; the values themselves are never echoed (secrets)."""
    from pydantic import ValidationError

    package = app_factory.split(":", 1)[0].rsplit(".", 1)[0]
    settings_class = importlib.import_module(f"{package}.config").Settings
    try:
        settings_class()
    except ValidationError as exc:
        problems = "; ".join(
            ".".join(str(p) for p in e["loc"]).upper()
            + ": " * bool(e["loc"])
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors(include_input=False, include_url=False)
        )
        raise fail(f"invalid configuration: {problems}", 2) from None


@app.command()
def serve(
    process: Annotated[
        str,
        typer.Argument(
            metavar="PROCESS", callback=one_of(PROCESS_NAMES), help=" | ".join(PROCESS_NAMES)
        ),
    ],
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(envvar="PORT", help="Default: 8000-8003")] = None,
) -> None:
    """Run one process in the foreground (what a container runs); config from env vars."""
    from uvicorn.main import main as uvicorn_cli

    from wellbeing.processes import uvicorn_options

    spec = process_spec(process)
    _check_settings(spec.app_factory)
    # uvicorn shuts down gracefully on SIGTERM and then re-raises it to the handler found at
    # start; ours turns that into exit 0, so an orchestrator sees a clean stop, not a kill
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    # the very command line `wellbeing up` and the tests run, parsed by uvicorn's own CLI
    uvicorn_cli.main(
        args=uvicorn_options(spec.app_factory, host, port or spec.port),
        prog_name="uvicorn",
        standalone_mode=False,
    )
