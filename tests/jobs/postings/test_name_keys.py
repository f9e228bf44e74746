"""The name keys a posting search's first two ranks read (common/name_keys.py), on PostgreSQL:
the triggers keep them equal to the keys of each posting's search document through every kind
of write (the API's insert and edit, a Core insert, a delete, a truncate), and a search read
through them answers exactly what the same search answers from the document alone."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from fastapi import FastAPI
from sqlalchemy import insert

from common.name_keys import PREFIX_CHARS
from common.ranked_listing import RankedListing, bind_terms
from common.search import document
from common.state import service_context
from services.jobs.models import Posting
from services.jobs.postings.repository import (
    _FILTERS,
    _OPEN,
    POSTINGS,
    RANKED,
    PostingFilter,
    PostingRow,
)
from tests.fixtures.clients import isolated
from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import posting_body

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
# the document alone: the same list as the service's, without its name keys
UNKEYED = RankedListing(
    POSTINGS.where(_OPEN),
    PostingRow,
    filters=_FILTERS,
    order=RANKED._unranked,
    column=Posting.search,
)


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(jobs_app, NOW) as moving:
        yield moving


@pytest.fixture
async def conn(jobs_app: FastAPI, clock: MovableClock) -> AsyncIterator[tuple[Any, Any]]:
    """The isolated client and the asyncpg connection of its transaction."""
    async with isolated(jobs_app) as inside:
        raw = await inside.connection.get_raw_connection()
        yield inside.client, raw.driver_connection


def expected_keys(title: str, employer: str) -> set[str]:
    """The keys of a posting, from its document's name forms (independently of the SQL)."""
    forms = [
        lexeme.strip("'")[3:]
        for lexeme in document(title, employer).split(" ")
        if lexeme.startswith("'nm:")
    ]
    keys = {"=" + f for f in forms}
    keys |= {"^" + f[:n] for f in forms for n in range(1, min(len(f), PREFIX_CHARS) + 1)}
    return keys


async def keys_of(db: asyncpg.Connection, posting_id: int) -> set[str]:
    rows = await db.fetch("SELECT key FROM jobs.posting_name_key WHERE posting_id = $1", posting_id)
    return {r["key"] for r in rows}


def body(title: str, employer: str = "青城商贸有限公司") -> dict[str, Any]:
    return posting_body(title, employer, NOW + timedelta(days=30))


async def test_keys_follow_every_write(
    jobs_app: FastAPI, conn: tuple[Any, Any], tokens: DevTokens
) -> None:
    client, db = conn
    staff = tokens.headers("jobs-staff", "jobs_staff")
    r = await client.post("/jobs/v1/postings", json=body("会计主管"), headers=staff)
    assert r.status_code == 201, r.text
    made = int(r.json()["id"])
    assert await keys_of(db, made) == expected_keys("会计主管", "青城商贸有限公司")
    assert {"=会计主管", "=kuaijizhuguan", "=kjzg", "^会", "^会计", "^kuai", "^kjzg"} <= (
        await keys_of(db, made)
    )

    # a title edit re-keys it; an edit of something else leaves the keys as they were
    r = await client.patch(f"/jobs/v1/postings/{made}", json={"title": "出纳"}, headers=staff)
    assert r.status_code == 200, r.text
    assert await keys_of(db, made) == expected_keys("出纳", "青城商贸有限公司")
    r = await client.patch(f"/jobs/v1/postings/{made}", json={"openings": 4}, headers=staff)
    assert r.status_code == 200, r.text
    assert await keys_of(db, made) == expected_keys("出纳", "青城商贸有限公司")

    # a Core insert of several rows (the seed's way) and a delete
    async with service_context(jobs_app).database.sessionmaker() as s:
        values = [
            {**body(t), "expires_at": NOW + timedelta(days=30), "posted_at": NOW, "status": "open"}
            for t in ("销售代表", "Java开发工程师")
        ]
        # a Core executemany, the column default computing each row's document
        await (await s.connection()).execute(insert(Posting), values)
        await s.commit()
    ids = [
        await db.fetchval("SELECT max(id) FROM jobs.posting WHERE title = $1", t)
        for t in ("销售代表", "Java开发工程师")
    ]
    assert await keys_of(db, ids[0]) == expected_keys("销售代表", "青城商贸有限公司")
    assert "=javakaifagongchengshi" in await keys_of(db, ids[1])
    await db.execute("DELETE FROM jobs.posting WHERE id = $1", ids[0])
    assert await keys_of(db, ids[0]) == set()
    assert await keys_of(db, ids[1]) == expected_keys("Java开发工程师", "青城商贸有限公司")

    # every posting's keys are its document's, no more: none left behind by the changes
    rows = await db.fetch("SELECT id, title, employer FROM jobs.posting")
    stored = await db.fetchval("SELECT count(*) FROM jobs.posting_name_key")
    assert stored == sum(len(expected_keys(r["title"], r["employer"])) for r in rows)

    await db.execute("TRUNCATE jobs.posting CASCADE")
    assert await db.fetchval("SELECT count(*) FROM jobs.posting_name_key") == 0


TITLES = (
    "会计", "会计主管", "财务会计", "会计助理（五险一金）", "急招会计", "出纳", "出纳员",
    "会议策划", "快递员", "销售代表", "销售", "Java开发工程师", "西安办事处主管", "xi'an导游",
    "kuai ji 兼职", "抱抱熊托育老师", "保育员", "保洁", "UI设计师", "会",
)  # fmt: skip
TERMS = (
    "会计", "会", "会计主管", "会计助理（", "kuaiji", "kuai ji", "kuaij", "kuai", "k", "kj",
    "kjzg", "chuna", "huiyi", "xi'an", "xian", "xi an", "baobaoxiong", "bbx", "java", "ui",
    "销", "员",
)  # fmt: skip


async def test_keyed_ranks_answer_what_the_document_answers(
    conn: tuple[Any, Any], tokens: DevTokens
) -> None:
    client, db = conn
    staff = tokens.headers("jobs-staff", "jobs_staff")
    for n, title in enumerate(TITLES):
        employer = "呼和浩特抱抱熊托育有限公司" if n % 7 == 0 else "塞外物流有限公司"
        r = await client.post("/jobs/v1/postings", json=body(title, employer), headers=staff)
        assert r.status_code == 201, r.text

    found_any = 0
    for term in TERMS:
        filters = PostingFilter(now=NOW, q=term)
        params = {"now": NOW, **bind_terms(term), "limit": 100}
        keyed = RANKED.statement_for(filters)
        plain = UNKEYED.statement_for(filters)
        assert "posting_name_key" in keyed.sql and "posting_name_key" not in plain.sql
        got = [(r["id"], r["rank"]) for r in await db.fetch(keyed.sql, *keyed.args(params))]
        want = [(r["id"], r["rank"]) for r in await db.fetch(plain.sql, *plain.args(params))]
        assert got == want, term
        found_any += bool(got) and any(rank > 0 for _, rank in got)
    assert found_any >= 15  # the terms meet the first two ranks, not only the rest


async def test_a_term_longer_than_the_keys_is_rechecked(
    conn: tuple[Any, Any], tokens: DevTokens
) -> None:
    client, _ = conn
    staff = tokens.headers("jobs-staff", "jobs_staff")
    for title in ("会计助理", "会计主管", "会计主管助理"):
        r = await client.post("/jobs/v1/postings", json=body(title), headers=staff)
        assert r.status_code == 201, r.text
    # all three share the key ^会计主 / ^kuai; only the titles starting with the term rank
    r = await client.get("/jobs/v1/postings", params={"q": "会计主管助"})
    assert [i["title"] for i in r.json()["items"]] == ["会计主管助理"]
    r = await client.get("/jobs/v1/postings", params={"q": "kuaijizhuguan"})
    assert [i["title"] for i in r.json()["items"]] == ["会计主管", "会计主管助理"]
