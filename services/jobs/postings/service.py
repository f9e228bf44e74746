"""Posting rules: public search of open postings (expired ones drop out by themselves) and
staff edits (a salary range that is a range, an expiry after the posting date)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import Clock
from common.db import load
from common.geo import CoordSys
from common.i18n import t
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.jobs.fields import aware, check_point, point_columns
from services.jobs.models import Posting
from services.jobs.postings import repository
from services.jobs.postings.errors import InvalidExpiry, InvalidSalaryRange, PostingNotFound
from services.jobs.postings.repository import PostingFilter
from services.jobs.postings.schemas import PostingCreate, PostingRead, PostingUpdate


async def search_postings(
    reader: Reader,
    *,
    filters: PostingFilter,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
    coord_sys: CoordSys = CoordSys.wgs84,
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
            shape=lambda row: PostingRead.of(row, filters.now, coord_sys),
        )


async def get_posting(
    reader: Reader, *, posting_id: int, clock: Clock, coord_sys: CoordSys = CoordSys.wgs84
) -> PostingRead:
    row = await reader.one(repository.GET, PostingNotFound, id=posting_id)
    return PostingRead.of(row, clock.now(), coord_sys)


# --- staff edits ---------------------------------------------------------------------------


def _values(changes: dict[str, Any], coord_sys: CoordSys) -> dict[str, Any]:
    """Columns from a body's fields: the contact in three columns, the point in WGS-84."""
    values = {k: v for k, v in changes.items() if k not in ("contact", "location", "coord_sys")}
    if "contact" in changes:
        contact = changes["contact"] or {}
        for part in ("name", "phone", "email"):
            values[f"contact_{part}"] = contact.get(part)
    if "location" in changes:
        values |= point_columns(changes["location"], coord_sys)
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
        raise InvalidSalaryRange(
            t("salary_min_fen ({low}) must not exceed salary_max_fen ({high}).", low=low, high=high)
        )
    if values["expires_at"] <= values["posted_at"]:
        raise InvalidExpiry(t("expires_at must be after posted_at."))


async def create_posting(
    session: AsyncSession, *, body: PostingCreate, coord_sys: CoordSys, clock: Clock
) -> PostingRead:
    now = clock.now()
    values = _values(body.model_dump(), coord_sys)
    values["posted_at"] = values["posted_at"] or now
    _check(values)
    check_point(values["district"], values["lat"], values["lon"])
    posting = Posting(**values)
    session.add(posting)
    await session.flush()
    row = await repository.GET.one_in(session, PostingNotFound, id=posting.id)
    return PostingRead.of(row, clock.now(), coord_sys)


async def update_posting(
    session: AsyncSession,
    *,
    posting_id: int,
    body: PostingUpdate,
    coord_sys: CoordSys,
    clock: Clock,
) -> PostingRead:
    posting = await load(session, Posting, posting_id, PostingNotFound, lock=True)
    values = _values(body.model_dump(include=body.model_fields_set), coord_sys)
    merged = {
        key: values.get(key, getattr(posting, key))
        for key in ("salary_min_fen", "salary_max_fen", "posted_at", "expires_at")
    }
    _check(merged)
    check_point(
        values.get("district", posting.district),
        values.get("lat", posting.lat),
        values.get("lon", posting.lon),
    )
    for key, value in values.items():
        setattr(posting, key, value)
    await session.flush()
    row = await repository.GET.one_in(session, PostingNotFound, id=posting.id)
    return PostingRead.of(row, clock.now(), coord_sys)
