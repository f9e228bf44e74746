"""A service's /readyz during an upgrade: a schema a newer release migrated (a revision this
image does not know) still serves the old pods; one behind this image's head does not."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from common.migrations import head_revision, known_revisions
from common.provisioning import ProvisionedDatabase, asyncpg_dsn, scratch_database
from services.childcare.config import Settings
from services.childcare.main import create_app
from tests.fixtures.clients import running_app
from tests.fixtures.tokens import DevTokens


@pytest.fixture
def childcare_url(db: ProvisionedDatabase) -> Iterator[str]:
    with scratch_database(db.admin_url) as urls:
        yield urls["childcare"]


async def _readiness_at(url: str, revision: str, tokens: DevTokens) -> httpx.Response:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute("UPDATE childcare.alembic_version SET version_num = $1", revision)
    finally:
        await conn.close()
    app = create_app(Settings(database_url=url, **tokens.settings()))
    async with running_app(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/readyz")


def test_a_schema_migrated_by_a_newer_release_keeps_old_pods_ready(
    childcare_url: str, tokens: DevTokens
) -> None:
    head = head_revision("childcare")
    older = sorted(known_revisions("childcare") - {head})[0]

    ahead = asyncio.run(_readiness_at(childcare_url, "f00dfeedbeef", tokens))
    behind = asyncio.run(_readiness_at(childcare_url, older, tokens))

    assert ahead.status_code == 200, ahead.text
    assert ahead.json()["checks"] == {"database": "ok", "migrations": "ok"}
    assert behind.status_code == 503
    assert behind.json()["checks"]["migrations"] == f"at {older}, head is {head}"
