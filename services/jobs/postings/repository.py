"""Posting SQL. Reads are statements compiled once (`common.read`), one per filter shape;
writes go through the request's session and only flush."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Float,
    Integer,
    any_,
    bindparam,
    cast,
    null,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import String

from common.read import Statement
from services.jobs.models import Posting


@dataclass(frozen=True)
class PostingFilter:
    q: str | None = None
    district: str | None = None
    category: str | None = None
    education: tuple[str, ...] | None = None  # requirements the seeker meets
    min_salary_fen: int | None = None
    graduate_friendly: bool | None = None


COLUMNS = (
    Posting.id,
    Posting.employer,
    Posting.title,
    Posting.category,
    Posting.district,
    Posting.salary_min_fen,
    Posting.salary_max_fen,
    Posting.education,
    Posting.graduate_friendly,
    Posting.openings,
    Posting.description,
    Posting.status,
    Posting.posted_at,
    Posting.expires_at,
)
BY_ID = select(*COLUMNS).where(Posting.id == bindparam("id"))
GET = Statement(BY_ID)


@dataclass(frozen=True)
class _Shape:
    q: bool
    district: bool
    category: bool
    education: bool
    min_salary_fen: bool
    graduate_friendly: bool | None
    after: bool

    @classmethod
    def of(cls, f: PostingFilter, after: bool) -> _Shape:
        return cls(
            q=bool(f.q),
            district=f.district is not None,
            category=f.category is not None,
            education=f.education is not None,
            min_salary_fen=f.min_salary_fen is not None,
            graduate_friendly=f.graduate_friendly,
            after=after,
        )


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(s: _Shape) -> list[ColumnElement[bool]]:
    # only open postings that have not expired are searched
    conditions: list[ColumnElement[bool]] = [
        Posting.status == "open",
        Posting.expires_at > bindparam("now", type_=DateTime(timezone=True)),
    ]
    if s.q:
        # each column has a pg_trgm GIN index; the planner ORs the two bitmaps. A term of
        # 3+ characters narrows through trigrams; 1-2 (会计) make none, so PostgreSQL
        # scans (the open postings are few). Chinese makes trigrams under a UTF-8 LC_CTYPE.
        q = bindparam("q", type_=String)
        conditions.append(
            or_(Posting.title.ilike(q, escape="\\"), Posting.employer.ilike(q, escape="\\"))
        )
    if s.district:
        conditions.append(Posting.district == bindparam("district"))
    if s.category:
        conditions.append(Posting.category == bindparam("category"))
    if s.education:
        conditions.append(Posting.education == any_(bindparam("education", type_=ARRAY(String))))
    if s.min_salary_fen:
        conditions.append(Posting.salary_max_fen >= bindparam("min_salary_fen", type_=Integer))
    if s.graduate_friendly is not None:
        conditions.append(Posting.graduate_friendly.is_(s.graduate_friendly))
    if s.after:
        conditions.append(Posting.id < bindparam("after_id", type_=BigInteger))
    return conditions


@lru_cache(maxsize=256)
def _search_statement(shape: _Shape) -> Statement:
    """Newest first (the id order of posting), keyset on id."""
    return Statement(
        select(*COLUMNS, cast(null(), Float).label("sort_key"))
        .where(*_conditions(shape))
        .order_by(Posting.id.desc())
        .limit(bindparam("limit", type_=Integer))
    )


async def search(
    conn: asyncpg.Connection,
    f: PostingFilter,
    *,
    now: datetime,
    limit: int,
    after: list[Any] | None,
) -> Sequence[asyncpg.Record]:
    """`limit + 1` rows of one page, newest first."""
    params: dict[str, Any] = {"now": now, "limit": limit + 1}
    for name in ("district", "category", "min_salary_fen"):
        if getattr(f, name) is not None:
            params[name] = getattr(f, name)
    if f.education is not None:
        params["education"] = list(f.education)
    if f.q:
        params["q"] = f"%{_escape_like(f.q)}%"
    if after:
        params["after_id"] = int(after[0])
    return await _search_statement(_Shape.of(f, bool(after))).rows(conn, **params)


async def get(conn: asyncpg.Connection, posting_id: int) -> asyncpg.Record | None:
    return await GET.row(conn, id=posting_id)


# --- writes (the request's session) ----------------------------------------------------------


async def row_in_session(session: AsyncSession, posting_id: int) -> Mapping[str, Any]:
    return dict((await session.execute(BY_ID, {"id": posting_id})).mappings().one())


async def lock_posting(session: AsyncSession, posting_id: int) -> Posting | None:
    return await session.scalar(
        select(Posting)
        .where(Posting.id == posting_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def find_by_key(
    session: AsyncSession, *, employer: str, title: str, district: str
) -> Posting | None:
    """The posting an import row names (its natural key), row-locked; the newest if several."""
    return await session.scalar(
        select(Posting)
        .where(Posting.employer == employer, Posting.title == title, Posting.district == district)
        .order_by(Posting.id.desc())
        .limit(1)
        .with_for_update()
    )
