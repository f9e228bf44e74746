"""`wellbeing token` (a development JWT) and `wellbeing import` (CSV/JSON rows into a service)."""

from __future__ import annotations

import asyncio
import importlib
import json
from pathlib import Path
from typing import Annotated

import typer

from common.auth import Role, mint_token
from common.registry import SERVICE_NAMES
from common.settings import AuthSettings
from wellbeing.cli import DataDirOption, app, database_url, fail, one_of, up_database_url


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
        raise fail(f"unknown role(s) {', '.join(unknown)}; use {', '.join(sorted(valid))}", 2)
    key = DataDir(data_dir).private_key
    if not key.exists():
        raise fail(f"no development key in {data_dir}; run `wellbeing up` first", 2)
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
            callback=one_of(SERVICE_NAMES),
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
        raise fail(f"{service} has no importer", 2) from None
    kind = kind_or_file
    if file is None:
        # `import <service> <file>`: the kind is the file's name, or the service's only kind
        kinds: tuple[str, ...] = tuple(getattr(importer, "KINDS", ()))
        kind = path.stem if path.stem in kinds or len(kinds) != 1 else kinds[0]
    if not path.is_file():
        raise fail(f"no such file: {path}", 2)
    url = database_url(service) if data_dir is None else up_database_url(data_dir, service)

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
        raise fail(str(exc), 2) from None
    except (OSError, DBAPIError) as exc:
        # the URL is not echoed: it may carry a password
        raise fail(f"cannot use the {service} database: {type(exc).__name__}", 2) from None
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    rejected = report.get("rejected")
    raise typer.Exit(1 if rejected else 0)
