"""The `wellbeing` command: run the whole platform on a laptop, or one process in a container."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import signal
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from common.auth import Role, mint_token
from common.registry import PROCESS_NAMES, SERVICE_NAMES, SERVICES
from common.registry import process as process_spec
from common.settings import AuthSettings

app = typer.Typer(
    name="wellbeing",
    help="Hohhot citizen-wellbeing platform: childcare, jobs, eldercare and the gateway.",
    no_args_is_help=True,
    add_completion=False,
    # plain tracebacks: rich ones print local variables, which can hold database URLs
    pretty_exceptions_enable=False,
)


def _one_of(choices: tuple[str, ...]) -> Callable[[str | None], str | None]:
    """Validates an argument against the registry, so a new service needs no change here."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return check


DataDirOption = Annotated[
    Path,
    typer.Option("--data-dir", envvar="WELLBEING_DATA_DIR", help="Data dir of `wellbeing up`."),
]


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"wellbeing: {message}", err=True)
    return typer.Exit(code)


def _database_url(service: str) -> str:
    url = os.environ.get(f"{service.upper()}_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        raise _fail(f"set {service.upper()}_DATABASE_URL or DATABASE_URL", 2)
    return url


def _up_database_url(data_dir: Path, service: str) -> str:
    """The service role's URL on the embedded database of a running `wellbeing up`."""
    from common.provisioning import running_embedded_url
    from wellbeing.datadir import DATABASE, DataDir

    pgdata = DataDir(data_dir.expanduser().resolve()).pgdata
    url = running_embedded_url(pgdata, DATABASE, process_spec(service).role)
    if url is None:
        raise _fail(f"no running database in {pgdata}; start `wellbeing up --data-dir` first", 2)
    return url


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
        raise _fail(f"invalid configuration: {problems}", 2) from None


@app.command()
def serve(
    process: Annotated[
        str,
        typer.Argument(
            metavar="PROCESS", callback=_one_of(PROCESS_NAMES), help=" | ".join(PROCESS_NAMES)
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


@app.command()
def bootstrap(
    database: Annotated[
        str | None, typer.Option(help="Database to create; default: the one in ADMIN_DATABASE_URL")
    ] = None,
) -> None:
    """Create the database, extensions and one role per service owning only its schema.

    Needs a superuser URL in ADMIN_DATABASE_URL; role passwords from CHILDCARE_DB_PASSWORD,
    JOBS_DB_PASSWORD, ELDERCARE_DB_PASSWORD.
    """
    from urllib.parse import urlsplit

    from common.provisioning import bootstrap as run_bootstrap
    from common.provisioning import with_database

    admin = os.environ.get("ADMIN_DATABASE_URL")
    if not admin:
        raise _fail("set ADMIN_DATABASE_URL (a superuser URL)", 2)
    name = database or urlsplit(admin).path.lstrip("/") or "wellbeing"
    passwords = {
        s.name: p
        for s in SERVICES
        if (p := os.environ.get(f"{s.env_prefix}_DB_PASSWORD")) is not None
    }
    maintenance = with_database(admin, "postgres")
    asyncio.run(run_bootstrap(maintenance, name, passwords=passwords))
    typer.echo(f"bootstrapped database {name}: roles {', '.join(s.role for s in SERVICES)}")


@app.command()
def migrate(
    service: Annotated[
        str | None,
        typer.Argument(
            metavar="SERVICE",
            callback=_one_of(SERVICE_NAMES),
            help=f"One of {' | '.join(SERVICE_NAMES)}; default: all",
        ),
    ] = None,
    revision: Annotated[str, typer.Option(help="Target revision")] = "head",
) -> None:
    """Run a service's Alembic migrations (DATABASE_URL or <SERVICE>_DATABASE_URL)."""
    from alembic import command

    from common.migrations import alembic_config

    for name in [service] if service else list(SERVICE_NAMES):
        command.upgrade(alembic_config(name, _database_url(name)), revision)
        typer.echo(f"{name}: migrated to {revision}")


@app.command()
def seed(
    service: Annotated[
        str | None,
        typer.Argument(
            metavar="SERVICE",
            callback=_one_of(SERVICE_NAMES),
            help=f"One of {' | '.join(SERVICE_NAMES)}; default: all",
        ),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo", help="Load the invented demo data outside development mode (a trial)."
        ),
    ] = False,
) -> None:
    """Load the demo data of docs/FACTS.md into migrated databases (once; safe to repeat).

    Refused unless ENVIRONMENT=development or --demo: the demo is invented institutions,
    postings, elders and citizen records, which must never reach a production database.
    """
    from common.settings import Environment, current_environment
    from wellbeing.seeding import seed_service

    if not demo and current_environment() is not Environment.development:
        raise _fail(
            "refusing to load the invented demo data: ENVIRONMENT is not development. "
            "Give --demo for a trial deployment (the migration step does so only with "
            "SEED_DEMO=true).",
            2,
        )
    for name in [service] if service else list(SERVICE_NAMES):
        inserted = asyncio.run(seed_service(name, _database_url(name)))
        state = {True: "demo data inserted", False: "already seeded", None: "no demo data"}
        typer.echo(f"{name}: {state[inserted]}")


@app.command()
def token(
    sub: Annotated[str, typer.Option("--sub", help="Citizen or staff id (the token's sub)")],
    role: Annotated[list[str], typer.Option("--role", help="Role; repeat for several")],
    data_dir: DataDirOption = Path(".wellbeing"),
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds")] = 12 * 3600,
) -> None:
    """Print one JWT signed with the data dir's development key (on stdout alone)."""
    from wellbeing.datadir import DataDir

    valid = {r.value for r in Role}
    if unknown := [r for r in role if r not in valid]:
        raise _fail(f"unknown role(s) {', '.join(unknown)}; use {', '.join(sorted(valid))}", 2)
    key = DataDir(data_dir).private_key
    if not key.exists():
        raise _fail(f"no development key in {data_dir}; run `wellbeing up` first", 2)
    auth = AuthSettings()
    typer.echo(
        mint_token(
            key.read_bytes(),
            sub=sub,
            roles=role,
            issuer=auth.jwt_issuer,
            audience=auth.jwt_audience,
            ttl_seconds=ttl,
        )
    )


@app.command(name="import")
def import_(
    service: Annotated[
        str,
        typer.Argument(
            metavar="SERVICE",
            callback=_one_of(SERVICE_NAMES),
            help=f"Service that owns the data: {' | '.join(SERVICE_NAMES)}",
        ),
    ],
    kind_or_file: Annotated[str, typer.Argument(help="Kind (e.g. institutions), or the file")],
    file: Annotated[Path | None, typer.Argument(help="CSV or JSON file")] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Use the database of the `wellbeing up` running on this data dir "
            "instead of DATABASE_URL / <SERVICE>_DATABASE_URL",
        ),
    ] = None,
) -> None:
    """Import CSV/JSON rows with a per-row report: bad rows rejected, good rows land.

    `wellbeing import childcare institutions FILE.csv` (or `wellbeing import childcare FILE.csv`,
    the kind taken from the file name). Exit 0 if every row landed, 1 if some were rejected,
    2 on usage errors.
    """
    from sqlalchemy.exc import DBAPIError

    from common.db import make_engine, make_sessionmaker

    path = Path(kind_or_file) if file is None else file
    module = f"services.{service}.importer"
    try:
        importer = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # the importer exists but something it needs is missing
            raise
        raise _fail(f"{service} has no importer", 2) from None
    kind = kind_or_file
    if file is None:
        # `import <service> <file>`: the kind is the file's name, or the service's only kind
        kinds: tuple[str, ...] = tuple(getattr(importer, "KINDS", ()))
        kind = path.stem if path.stem in kinds or len(kinds) != 1 else kinds[0]
    if not path.is_file():
        raise _fail(f"no such file: {path}", 2)
    url = _database_url(service) if data_dir is None else _up_database_url(data_dir, service)

    async def run() -> dict[str, object]:
        engine = make_engine(url, pool_size=2, application_name="import")
        try:
            report = await importer.run_import(make_sessionmaker(engine), kind, path)
        finally:
            await engine.dispose()
        result: dict[str, object] = report.model_dump(mode="json")
        return result

    try:
        report = asyncio.run(run())
    except ValueError as exc:  # unknown kind, unreadable file format
        raise _fail(str(exc), 2) from None
    except (OSError, DBAPIError) as exc:
        # the URL is not echoed: it may carry a password
        raise _fail(f"cannot use the {service} database: {type(exc).__name__}", 2) from None
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    rejected = report.get("rejected")
    raise typer.Exit(1 if rejected else 0)


def main() -> None:  # pragma: no cover - console entry point alternative
    warnings.simplefilter("ignore", category=DeprecationWarning)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    app(prog_name="wellbeing")
    sys.exit(0)
