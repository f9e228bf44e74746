"""Posting rules: public search of open postings (expired ones drop out by themselves) and
staff edits (a salary range that is a range, an expiry after the posting date)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import Clock
from common.db import load
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.jobs.fields import aware
from services.jobs.models import Posting
from services.jobs.postings import repository
from services.jobs.postings.errors import InvalidExpiry, InvalidSalaryRange, PostingNotFound
from services.jobs.postings.repository import PostingFilter
from services.jobs.postings.schemas import PostingCreate, PostingRead, PostingUpdate


async def search_postings(
    reader: Reader, *, filters: PostingFilter, limit: int, cursor: str | None, codec: CursorCodec
) -> Page[PostingRead]:
    # `now` moves between pages; the cursor's position bounds them
    scope = repr(replace(filters, now=datetime.min))
    async with reader.connection() as conn:
        return await repository.search_for(filters).page(
            conn,
            filters,
            limit=limit,
            cursor=cursor,
            codec=codec,
            scope=scope,
            shape=lambda row: PostingRead.of(row, filters.now),
        )


async def get_posting(reader: Reader, *, posting_id: int, clock: Clock) -> PostingRead:
    row = await reader.one(repository.GET, PostingNotFound, id=posting_id)
    return PostingRead.of(row, clock.now())


# --- staff edits ---------------------------------------------------------------------------


def _values(changes: dict[str, Any]) -> dict[str, Any]:
    values = dict(changes)
    for key in ("category", "district", "education", "status"):
        if values.get(key) is not None:
            values[key] = values[key].value
    for key in ("posted_at", "expires_at"):
        if values.get(key) is not None:
            values[key] = aware(values[key])
    return values


def _check(values: dict[str, Any]) -> None:
    low, high = values["salary_min_fen"], values["salary_max_fen"]
    if low > high:
        raise InvalidSalaryRange(f"salary_min_fen ({low}) must not exceed salary_max_fen ({high}).")
    if values["expires_at"] <= values["posted_at"]:
        raise InvalidExpiry("expires_at must be after posted_at.")


async def create_posting(
    session: AsyncSession, *, body: PostingCreate, clock: Clock
) -> PostingRead:
    now = clock.now()
    values = _values(body.model_dump())
    values["posted_at"] = values["posted_at"] or now
    _check(values)
    posting = Posting(**values)
    session.add(posting)
    await session.flush()
    row = await repository.GET.one_in(session, PostingNotFound, id=posting.id)
    return PostingRead.of(row, clock.now())


async def update_posting(
    session: AsyncSession, *, posting_id: int, body: PostingUpdate, clock: Clock
) -> PostingRead:
    posting = await load(session, Posting, posting_id, PostingNotFound, lock=True)
    values = _values(body.changes())
    merged = {
        key: values.get(key, getattr(posting, key))
        for key in ("salary_min_fen", "salary_max_fen", "posted_at", "expires_at")
    }
    _check(merged)
    for key, value in values.items():
        setattr(posting, key, value)
    await session.flush()
    row = await repository.GET.one_in(session, PostingNotFound, id=posting.id)
    return PostingRead.of(row, clock.now())
