"""Each service's migrations go up, match its models, go down to nothing and up again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import asyncpg
import pytest
from alembic import command

from common.migrations import ROOT, alembic_config, head_revision
from common.provisioning import ProvisionedDatabase, asyncpg_dsn, bootstrap
from common.registry import SERVICE_NAMES as SERVICES

pytestmark = pytest.mark.server

MIGRATED = [s for s in SERVICES if (ROOT / "migrations" / s / "env.py").exists()]


@pytest.fixture(scope="module")
def fresh_urls(db: ProvisionedDatabase) -> Iterator[dict[str, str]]:
    name = f"wb_migr_{uuid.uuid4().hex[:8]}"
    urls = asyncio.run(bootstrap(db.admin_url, name))
    yield urls
    asyncio.run(_drop(db.admin_url, name))


async def _drop(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(admin_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _tables(url: str, schema: str) -> set[str]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = $1", schema)
    finally:
        await conn.close()
    return {r["tablename"] for r in rows}


def test_every_service_has_migrations() -> None:
    assert list(SERVICES) == MIGRATED


@pytest.mark.parametrize("service", MIGRATED)
def test_upgrade_matches_models_then_downgrade_and_upgrade_again(
    service: str, fresh_urls: dict[str, str]
) -> None:
    cfg = alembic_config(service, fresh_urls[service])

    command.upgrade(cfg, "head")
    command.check(cfg)  # raises if the models and the migrated schema differ
    tables = asyncio.run(_tables(fresh_urls[service], service))
    assert {"alembic_version", "idempotency_key"} <= tables

    command.downgrade(cfg, "base")
    assert asyncio.run(_tables(fresh_urls[service], service)) == {"alembic_version"}

    command.upgrade(cfg, "head")
    assert asyncio.run(_tables(fresh_urls[service], service)) == tables
    assert head_revision(service) is not None


def test_a_service_role_cannot_touch_another_schema(fresh_urls: dict[str, str]) -> None:
    async def attempt() -> str:
        conn = await asyncpg.connect(asyncpg_dsn(fresh_urls["jobs"]))
        try:
            await conn.fetch("SELECT 1 FROM childcare.alembic_version")
        except asyncpg.InsufficientPrivilegeError as exc:
            return type(exc).__name__
        finally:
            await conn.close()
        return "allowed"

    command.upgrade(alembic_config("childcare", fresh_urls["childcare"]), "head")
    assert asyncio.run(attempt()) == "InsufficientPrivilegeError"
