"""`wellbeing bootstrap`, `migrate` and `seed`: a database made ready for the services."""

from __future__ import annotations

import asyncio
import os
from typing import Annotated

import typer

from common.registry import SERVICE_NAMES, SERVICES
from wellbeing.cli import ServicesArgument, app, database_url, fail


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
        raise fail("set ADMIN_DATABASE_URL (a superuser URL)", 2)
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
    service: ServicesArgument = None,
    revision: Annotated[
        str,
        typer.Option(
            help="Target: head, base, +N / -N (steps from where each service is) or a revision id"
        ),
    ] = "head",
    allow_data_loss: Annotated[
        bool,
        typer.Option(
            "--allow-data-loss", help="Go ahead with a downgrade that drops data it says it will"
        ),
    ] = False,
) -> None:
    """Run a service's Alembic migrations up or down (DATABASE_URL or <SERVICE>_DATABASE_URL).

    Every service is checked first: a bad target exits 2, a database that cannot be read or a
    downgrade its data forbids exits 1, and a downgrade that would lose data is refused unless
    --allow-data-loss; in each case no service is touched.
    """
    from wellbeing import migrating

    names = [service] if service else list(SERVICE_NAMES)
    try:
        steps = migrating.plan({name: database_url(name) for name in names}, revision)
    except migrating.BadTarget as exc:
        raise fail(str(exc), 2) from None
    except migrating.CannotMigrate as exc:
        raise fail(str(exc)) from None
    if refusals := [r for step in steps for r in step.refusals]:
        raise fail("nothing migrated: " + "; ".join(refusals))
    losses = [loss for step in steps for loss in step.losses]
    if losses and not allow_data_loss:
        raise fail(
            "nothing migrated: " + "; ".join(losses) + "; give --allow-data-loss to go ahead"
        )
    for loss in losses:
        typer.echo(f"data loss accepted: {loss}", err=True)
    for step in steps:
        try:
            migrating.run(step)
        except migrating.CannotMigrate as exc:
            raise fail(str(exc)) from None
        typer.echo(step.describe())


@app.command()
def seed(
    service: ServicesArgument = None,
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
        raise fail(
            "refusing to load the invented demo data: ENVIRONMENT is not development. "
            "Give --demo for a trial deployment (the migration step does so only with "
            "SEED_DEMO=true).",
            2,
        )
    for name in [service] if service else list(SERVICE_NAMES):
        inserted = asyncio.run(seed_service(name, database_url(name)))
        state = {True: "demo data inserted", False: "already seeded", None: "no demo data"}
        typer.echo(f"{name}: {state[inserted]}")
