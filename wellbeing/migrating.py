"""`wellbeing migrate --revision R`: where each service is, where R takes it, and what a downgrade
would refuse or lose, all found before anything is touched.

R is `head`, `base`, `+N` / `-N` (steps from where the service is) or a revision id. Every
service is planned first (its current revision read, R resolved, the `downgrade_refusal` and
`downgrade_loss` of every revision to undo asked, see common/migrations.py); only then do the
migrations run, so a bad target, a refusal or an unacknowledged loss changes no service.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Literal

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from common.db import asyncpg_url
from common.migrations import alembic_config
from common.registry import process as process_spec

BASE = "base"
_RELATIVE = re.compile(r"[+-][0-9]+")


class BadTarget(ValueError):
    """The revision asked for names nothing this service can go to (a usage error, exit 2)."""


class CannotMigrate(RuntimeError):
    """The database cannot be read, or its data forbids the step (exit 1); says why."""


@dataclass(frozen=True)
class Plan:
    """One service's step: from its current revision to the target (None = base)."""

    service: str
    url: str = field(repr=False)  # may carry a password
    current: str | None
    target: str | None
    head: str | None
    direction: Literal["upgrade", "downgrade", "none"]
    refusals: list[str] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The one line the CLI prints once the step has run."""
        moved = f"{_name(self.current)} → {_name(self.target)}"
        if self.target == self.head and self.direction != "downgrade":
            if self.direction == "none":
                return f"{self.service}: migrated to head (already at {_name(self.head)})"
            return f"{self.service}: migrated to head ({moved})"
        if self.direction == "none":
            return f"{self.service}: already at {_name(self.target)}"
        return f"{self.service}: {moved} ({self.direction}d)"


def _name(revision: str | None) -> str:
    return revision or BASE


def _history(service: str) -> list[Script]:
    """The service's revisions from the first to head (the histories are linear)."""
    scripts = ScriptDirectory.from_config(alembic_config(service))
    return list(reversed(list(scripts.walk_revisions())))


def _resolve(service: str, wanted: str, current: str | None, history: list[Script]) -> str | None:
    ids = [s.revision for s in history]
    position = ids.index(current) if current is not None else -1
    if wanted in ("head", "heads"):
        return ids[-1] if ids else None
    if wanted == BASE:
        return None
    if _RELATIVE.fullmatch(wanted):
        to = position + int(wanted)
        if not -1 <= to < len(ids):
            room = len(ids) - 1 - position if int(wanted) > 0 else position + 1
            where = "up to head" if int(wanted) > 0 else "down to base"
            raise BadTarget(
                f"{service}: cannot move {wanted} from {_name(current)}: {room} step(s) {where}"
            )
        return ids[to] if to >= 0 else None
    matches = [i for i in ids if i == wanted] or [i for i in ids if i.startswith(wanted)]
    if len(matches) != 1:
        raise BadTarget(
            f"{service}: no revision {wanted!r}; use head, base, +N, -N or one of {', '.join(ids)}"
        )
    return matches[0]


def _inspect(service: str, url: str, wanted: str) -> Plan:
    history = _history(service)
    ids = [s.revision for s in history]
    schema = process_spec(service).schema

    def read(connection: Connection) -> Plan:
        context = MigrationContext.configure(connection, opts={"version_table_schema": schema})
        current = context.get_current_revision()
        if current is not None and current not in ids:
            raise CannotMigrate(
                f"{service}: the database is at revision {current}, which this release does "
                "not know (migrated by a newer one?)"
            )
        target = _resolve(service, wanted, current, history)
        at, to = (ids.index(r) if r else -1 for r in (current, target))
        direction: Literal["upgrade", "downgrade", "none"] = (
            "upgrade" if to > at else "downgrade" if to < at else "none"
        )
        plan = Plan(service, url, current, target, ids[-1] if ids else None, direction)
        # the revisions a downgrade undoes, newest first, each asked about the data it meets
        for script in reversed(history[to + 1 : at + 1]):
            below = script.down_revision if isinstance(script.down_revision, str) else None
            step = f"{service}: {script.revision} → {_name(below)}"
            refusal = getattr(script.module, "downgrade_refusal", None)
            if refusal is not None and (reason := refusal(connection)):
                plan.refusals.append(f"{step} refused: {reason}")
            loss = getattr(script.module, "downgrade_loss", None)
            if loss is not None and (lost := loss(connection)):
                plan.losses.append(f"{step} loses {lost}")
        return plan

    async def run() -> Plan:
        engine = create_async_engine(asyncpg_url(url), poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(read)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except (BadTarget, CannotMigrate):
        raise
    except Exception as exc:  # refused, unreachable, unknown database, bad password
        raise CannotMigrate(f"{service}: cannot read the database: {_reason(exc, url)}") from None


def _reason(exc: Exception, url: str) -> str:
    """The first line of what went wrong, never the URL (it may carry a password)."""
    wrapped = getattr(exc, "orig", None)  # SQLAlchemy's wrapper says nothing of its own
    text = str(wrapped or exc).strip().splitlines()
    reason = text[0] if text and url not in text[0] else ""
    kind = "" if wrapped is not None else type(exc).__name__
    return ": ".join(p for p in (kind, reason) if p)


def plan(urls: dict[str, str], wanted: str) -> list[Plan]:
    """Every service's step, found before any runs; raises BadTarget or CannotMigrate."""
    if not wanted:
        raise BadTarget("--revision is empty; use head, base, +N, -N or a revision id")
    return [_inspect(service, url, wanted) for service, url in urls.items()]


def run(step: Plan) -> None:
    """Runs the step (one transaction: a failure leaves the service where it was)."""
    cfg = alembic_config(step.service, step.url)
    try:
        if step.direction == "upgrade":
            command.upgrade(cfg, step.target or BASE)
        elif step.direction == "downgrade":
            command.downgrade(cfg, step.target or BASE)
    except Exception as exc:
        raise CannotMigrate(
            f"{step.service}: migration failed, still at {_name(step.current)}: "
            + _reason(exc, step.url)
        ) from None
