"""The `wellbeing` typer app and what its commands share: arguments checked against the registry,
the one-line failure, and where a command finds a service's database."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from common.registry import SERVICE_NAMES
from common.registry import process as process_spec

app = typer.Typer(
    name="wellbeing",
    help="Hohhot citizen-wellbeing platform: childcare, jobs, eldercare and the gateway.",
    no_args_is_help=True,
    add_completion=False,
    # plain tracebacks: rich ones print local variables, which can hold database URLs
    pretty_exceptions_enable=False,
)


def one_of(choices: tuple[str, ...]) -> Callable[[str | None], str | None]:
    """Validates an argument against the registry, so a new service needs no change here."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return check


ServicesArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="SERVICE",
        callback=one_of(SERVICE_NAMES),
        help=f"One of {' | '.join(SERVICE_NAMES)}; default: all",
    ),
]
DataDirOption = Annotated[
    Path,
    typer.Option("--data-dir", envvar="WELLBEING_DATA_DIR", help="Data dir of `wellbeing up`."),
]


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"wellbeing: {message}", err=True)
    return typer.Exit(code)


def database_url(service: str) -> str:
    url = os.environ.get(f"{service.upper()}_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        raise fail(f"set {service.upper()}_DATABASE_URL or DATABASE_URL", 2)
    return url


def up_database_url(data_dir: Path, service: str) -> str:
    """The service role's URL on the embedded database of a running `wellbeing up`."""
    from common.provisioning import running_embedded_url
    from wellbeing.datadir import DATABASE, DataDir

    pgdata = DataDir(data_dir.expanduser().resolve()).pgdata
    url = running_embedded_url(pgdata, DATABASE, process_spec(service).role)
    if url is None:
        raise fail(f"no running database in {pgdata}; start `wellbeing up --data-dir` first", 2)
    return url
