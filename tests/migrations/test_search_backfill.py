"""Migration 0005 backfills the search document of the rows already there (issue 16 §4): a
posting written before it is found by two characters, pinyin and initials after it, and the
way down drops the column and its index again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import asyncpg
import pytest
from alembic import command

from common.migrations import alembic_config
from common.provisioning import ProvisionedDatabase, asyncpg_dsn, bootstrap
from common.search import document, terms

pytestmark = pytest.mark.server

INSERT = """
INSERT INTO jobs.posting (employer, title, category, district, salary_min_fen, salary_max_fen,
    education, graduate_friendly, openings, status, posted_at, expires_at)
VALUES ('呼和浩特抱抱熊托育有限公司', '会计', 'finance', '赛罕区', 1, 2, 'bachelor', true, 1,
    'open', now(), now() + interval '1 day')
"""


@pytest.fixture
def jobs_url(db: ProvisionedDatabase) -> Iterator[str]:
    name = f"wb_search_{uuid.uuid4().hex[:8]}"
    urls = asyncio.run(bootstrap(db.admin_url, name))
    yield urls["jobs"]
    asyncio.run(_admin(db.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _found(url: str, *typed: str) -> list[int]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return [
            await conn.fetchval(
                "SELECT count(*) FROM jobs.posting WHERE search @@ $1::tsquery", terms(t).match
            )
            for t in typed
        ]
    finally:
        await conn.close()


async def _columns(url: str) -> set[str]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'jobs' AND table_name = 'posting'"
        )
    finally:
        await conn.close()
    return {r["column_name"] for r in rows}


def test_rows_before_the_migration_are_found_after_it(jobs_url: str) -> None:
    cfg = alembic_config("jobs", jobs_url)
    command.upgrade(cfg, "0003")
    asyncio.run(_admin(jobs_url, INSERT))

    command.upgrade(cfg, "0005")

    assert asyncio.run(_found(jobs_url, "会计", "kuaiji", "kj", "bbx", "托", "出纳")) == [
        1,
        1,
        1,
        1,
        1,
        0,
    ]
    command.downgrade(cfg, "0003")
    assert "search" not in asyncio.run(_columns(jobs_url))


async def _insert_searchable(url: str, title: str) -> None:
    """A posting with its search document, as the service writes it from 0005 on."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute(
            INSERT.replace("'会计'", "$1")
            .replace("expires_at)", "expires_at, search)")
            .replace("interval '1 day')", "interval '1 day', $2::tsvector)"),
            title,
            document(title, "呼和浩特抱抱熊托育有限公司"),
        )
    finally:
        await conn.close()


async def _keys(url: str) -> set[str] | None:
    """The name keys stored (common/name_keys.py); None when the table is not there."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        if await conn.fetchval("SELECT to_regclass('jobs.posting_name_key')") is None:
            return None
        return {r["key"] for r in await conn.fetch("SELECT key FROM jobs.posting_name_key")}
    finally:
        await conn.close()


def test_name_keys_are_backfilled_kept_and_dropped(jobs_url: str) -> None:
    cfg = alembic_config("jobs", jobs_url)
    command.upgrade(cfg, "0006")
    asyncio.run(_insert_searchable(jobs_url, "会计主管"))

    command.upgrade(cfg, "0007")
    backfilled = asyncio.run(_keys(jobs_url))
    assert backfilled is not None
    assert {"=会计主管", "=kuaijizhuguan", "=kjzg", "^会计主管", "^kuai", "^k"} <= backfilled
    assert not {"^会计主管助", "=会计"} & backfilled  # prefixes of 4 characters at most

    # the triggers keep them from here on: an insert adds its keys, an update re-keys
    asyncio.run(_insert_searchable(jobs_url, "会计"))
    asyncio.run(
        _admin(
            jobs_url,
            "UPDATE jobs.posting SET title = '出纳', search = "
            "'''nm:出纳'''::tsvector WHERE title = '会计主管'",
        )
    )
    kept = asyncio.run(_keys(jobs_url))
    assert kept is not None and {"=会计", "=出纳", "^出纳"} <= kept
    assert "=会计主管" not in kept

    command.downgrade(cfg, "0006")
    assert asyncio.run(_keys(jobs_url)) is None
    asyncio.run(_insert_searchable(jobs_url, "会计"))  # no trigger left behind to fail a write
    command.upgrade(cfg, "head")
    rebuilt = asyncio.run(_keys(jobs_url))
    assert rebuilt is not None and {"=会计", "=出纳", "^kj"} <= rebuilt
