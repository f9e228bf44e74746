"""The services behind a real PgBouncer in transaction mode (Debian's 1.18, which has no
`max_prepared_statements`): asyncpg's named prepared statements break there, our
`DATABASE_PGBOUNCER=true` engine does not, and a service under concurrent reads and writes
answers every request with its pool larger than PgBouncer's."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, timedelta

import asyncpg
import httpx
import pytest

from common.db import make_engine
from common.provisioning import ProvisionedDatabase, asyncpg_dsn, scratch_database
from common.read import Reader, Statement
from common.registry import process
from tests.fixtures.pgbouncer import PgBouncer, running_pgbouncer
from tests.fixtures.processes import served
from tests.fixtures.tokens import DevTokens
from wellbeing.seeding import seed_service

pytestmark = pytest.mark.e2e
BY_NAME = "SELECT count(*) FROM childcare.institution WHERE name LIKE $1"


@pytest.fixture(scope="module")
def seeded(db: ProvisionedDatabase) -> Iterator[dict[str, str]]:
    with scratch_database(db.admin_url) as urls:
        asyncio.run(seed_service("childcare", urls["childcare"]))
        yield urls


@pytest.fixture(scope="module")
def bouncer(db: ProvisionedDatabase) -> Iterator[PgBouncer]:
    with running_pgbouncer(db.admin_url, pool_size=2) as running:
        yield running


async def _read_twice_across_a_server_switch(url: str, *, pgbouncer: bool) -> list[int]:
    """One pooled connection reads, another holds a transaction meanwhile and ends it, then the
    first reads the same statement again: PgBouncer (LIFO) gives it the other server."""
    from sqlalchemy import bindparam, func, select

    from services.childcare.models import Institution

    count = Statement(
        select(func.count()).select_from(Institution).where(Institution.name.like(bindparam("q")))
    )
    engine = make_engine(url, pool_size=2, pgbouncer=pgbouncer)
    reader = Reader(engine)
    try:
        async with reader.connection() as first, reader.connection() as second:
            await second.execute("BEGIN")
            counts = [await count.value(first, q="%托育%")]
            await second.execute("COMMIT")
            counts.append(await count.value(first, q="%托育%"))
            return counts
    finally:
        await engine.dispose()


def test_named_statements_break_behind_transaction_pooling_and_ours_do_not(
    seeded: dict[str, str], bouncer: PgBouncer
) -> None:
    url = bouncer.via(seeded["childcare"])
    with pytest.raises(asyncpg.InvalidSQLStatementNameError):
        asyncio.run(_read_twice_across_a_server_switch(url, pgbouncer=False))

    counts = asyncio.run(_read_twice_across_a_server_switch(url, pgbouncer=True))

    direct = asyncio.run(_count_direct(seeded["childcare"]))
    assert counts == [direct, direct] and direct > 0


async def _count_direct(url: str) -> int:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return int(await conn.fetchval(BY_NAME, "%托育%"))
    finally:
        await conn.close()


async def _burst(base: str, token: str, ids: list[int]) -> list[httpx.Response]:
    auth = {"Authorization": f"Bearer {token}"}
    born = (date.today() - timedelta(days=200)).isoformat()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        reads = [client.get(f"/childcare/v1/institutions/{i}") for i in ids]
        reads += [client.get("/childcare/v1/institutions", params={"limit": 5}) for _ in ids]
        writes = [
            client.post(
                "/childcare/v1/children",
                json={"name": f"测试{n}", "birth_date": born},
                headers=auth,
            )
            for n in range(20)
        ]
        return list(await asyncio.gather(*reads, *writes))


def test_a_service_serves_concurrent_reads_and_writes_through_pgbouncer(
    seeded: dict[str, str], bouncer: PgBouncer, tokens: DevTokens
) -> None:
    env = {
        "ENVIRONMENT": "development",
        "DEV_KEY_FILE": str(tokens.public_key),
        "DATABASE_URL": bouncer.via(seeded["childcare"]),
        "DATABASE_PGBOUNCER": "true",
        "LOG_LEVEL": "WARNING",
    }
    with served(process("childcare").app_factory, env) as base:
        listed = httpx.get(f"{base}/childcare/v1/institutions", params={"limit": 50}).json()
        ids = [item["id"] for item in listed["items"]]
        replies = asyncio.run(_burst(base, tokens.token("pgb-guardian", "citizen"), ids))

    assert len(ids) == 50
    statuses = sorted({r.status_code for r in replies})
    assert statuses == [200, 201], [r.text for r in replies if r.status_code >= 300][:3]
    assert [r.json()["id"] for r in replies[:50]] == ids
    mine = asyncio.run(_children_of(seeded["childcare"], "pgb-guardian"))
    assert mine == 20


async def _children_of(url: str, guardian: str) -> int:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM childcare.child WHERE guardian_sub = $1", guardian
            )
        )
    finally:
        await conn.close()
