"""Elder SQL: who may see which elder, profiles with their community and family, family links.

A citizen's elders are found in two index lookups (their own profile by `subject_sub`, the
profiles they are linked to by `elder_family`), never by a scan; profiles are then read by id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by, array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Executable

from common.read import Statement
from services.eldercare.models import Community, Elder, ElderFamily

# --- who may see which elder -----------------------------------------------------------------
_VISIBLE = union_all(
    select(Elder.id.label("elder_id"), literal("self").label("relation")).where(
        Elder.subject_sub == bindparam("sub")
    ),
    select(ElderFamily.elder_id, literal("family").label("relation")).where(
        ElderFamily.citizen_sub == bindparam("sub")
    ),
)
VISIBLE = Statement(_VISIBLE)


def relations(rows: Sequence[Mapping[str, Any]]) -> dict[int, str]:
    """elder id → `self` or `family` (an elder linked to themself is `self`)."""
    out: dict[int, str] = {}
    for row in rows:
        if out.get(row["elder_id"]) != "self":
            out[row["elder_id"]] = row["relation"]
    return out


async def visible(conn: asyncpg.Connection, sub: str) -> dict[int, str]:
    return relations(await VISIBLE.rows(conn, sub=sub))


async def visible_in_session(session: AsyncSession, sub: str) -> dict[int, str]:
    rows = (await session.execute(_VISIBLE, {"sub": sub})).mappings().all()
    return relations([dict(r) for r in rows])


# --- profiles --------------------------------------------------------------------------------
_twin = aliased(Elder)
_FAMILY = (
    select(func.array_agg(aggregate_order_by(ElderFamily.citizen_sub, ElderFamily.citizen_sub)))
    .where(ElderFamily.elder_id == Elder.id)
    .correlate(Elder)
    .scalar_subquery()
)
COLUMNS = (
    Elder.id,
    Elder.name,
    Elder.birth_date,
    Elder.id_number_masked,
    Elder.community_id,
    Community.name.label("community_name"),
    Community.district,
    Elder.lives_alone,
    Elder.lost_only_child,
    Elder.care_needs,
    Elder.created_by_role,
    func.coalesce(_FAMILY, cast(array([], type_=String), ARRAY(String))).label(
        "family_citizen_ids"
    ),
    Elder.last_visited_at,
    and_(
        Elder.id_number_hash.is_not(None),
        exists().where(_twin.id_number_hash == Elder.id_number_hash, _twin.id != Elder.id),
    ).label("suspected_duplicate"),
    Elder.created_at,
)
PROFILES = select(*COLUMNS).outerjoin(Community, Community.id == Elder.community_id)
BY_ID = PROFILES.where(Elder.id == bindparam("id", type_=BigInteger))
GET = Statement(BY_ID)
_LIMIT = bindparam("limit", type_=Integer)
_AFTER = Elder.id > bindparam("after_id", type_=BigInteger)
_IDS = Elder.id == any_(bindparam("ids", type_=ARRAY(BigInteger)))
BY_IDS_FIRST = Statement(PROFILES.where(_IDS).order_by(Elder.id).limit(_LIMIT))
BY_IDS_AFTER = Statement(PROFILES.where(_IDS, _AFTER).order_by(Elder.id).limit(_LIMIT))


async def by_ids(
    conn: asyncpg.Connection, ids: Sequence[int], *, limit: int, after_id: int | None
) -> Sequence[asyncpg.Record]:
    if after_id is None:
        return await BY_IDS_FIRST.rows(conn, ids=list(ids), limit=limit)
    return await BY_IDS_AFTER.rows(conn, ids=list(ids), limit=limit, after_id=after_id)


async def get(conn: asyncpg.Connection, elder_id: int) -> asyncpg.Record | None:
    return await GET.row(conn, id=elder_id)


@dataclass(frozen=True)
class StaffFilter:
    community_id: int | None = None
    district: str | None = None


@lru_cache(maxsize=8)
def _staff_list(community: bool, district: bool, after: bool) -> Executable:
    conditions: list[ColumnElement[bool]] = []
    if community:
        conditions.append(Elder.community_id == bindparam("community_id", type_=BigInteger))
    if district:
        conditions.append(Community.district == bindparam("district"))
    if after:
        conditions.append(_AFTER)
    return PROFILES.where(*conditions).order_by(Elder.id).limit(_LIMIT)


# --- writes and staff reads (the request's session) --------------------------------------------


async def row_in_session(session: AsyncSession, elder_id: int) -> Mapping[str, Any] | None:
    found = (await session.execute(BY_ID, {"id": elder_id})).mappings().first()
    return None if found is None else dict(found)


async def staff_list(
    session: AsyncSession, f: StaffFilter, *, limit: int, after_id: int | None
) -> Sequence[Mapping[str, Any]]:
    params: dict[str, Any] = {"limit": limit}
    if f.community_id is not None:
        params["community_id"] = f.community_id
    if f.district is not None:
        params["district"] = f.district
    if after_id is not None:
        params["after_id"] = after_id
    stmt = _staff_list(f.community_id is not None, f.district is not None, after_id is not None)
    return [dict(r) for r in (await session.execute(stmt, params)).mappings().all()]


async def exists_in_session(session: AsyncSession, elder_id: int) -> bool:
    return await session.scalar(select(exists().where(Elder.id == elder_id))) or False


async def lock(session: AsyncSession, elder_id: int) -> Elder | None:
    return await session.scalar(
        select(Elder)
        .where(Elder.id == elder_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def registered_by(session: AsyncSession, creator_sub: str, id_hash: str) -> bool:
    """Whether this creator already registered an elder with this national ID."""
    found = await session.scalar(
        select(Elder.id).where(Elder.created_by_sub == creator_sub, Elder.id_number_hash == id_hash)
    )
    return found is not None


async def subject_of(session: AsyncSession, elder_id: int) -> str | None:
    """The elder's own citizen id, when they have an account."""
    subject: str | None = await session.scalar(
        select(Elder.subject_sub).where(Elder.id == elder_id)
    )
    return subject


async def has_profile(session: AsyncSession, subject_sub: str) -> bool:
    found = await session.scalar(select(Elder.id).where(Elder.subject_sub == subject_sub))
    return found is not None


async def link_family(
    session: AsyncSession, elder_id: int, citizen_subs: Sequence[str], linked_by: str
) -> None:
    session.add_all(
        ElderFamily(elder_id=elder_id, citizen_sub=sub, linked_by_sub=linked_by)
        for sub in citizen_subs
    )
    await session.flush()


# --- the at-risk round (staff; read in the session, where the audit rows are written) ----------
# never visited sorts before every visit: longest unvisited first
NEVER = datetime(1900, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class AtRiskFilter:
    community_id: int | None = None
    district: str | None = None
    overdue_only: bool = False


async def at_risk(
    session: AsyncSession,
    f: AtRiskFilter,
    *,
    aged_born_by: date,
    due_before: datetime,
    limit: int,
    after: tuple[datetime, int] | None,
) -> list[dict[str, Any]]:
    """Elders aged (born by `aged_born_by`) and living alone, or of 失独 families, in order of
    their last completed visit (never first), then id."""
    sort_key = func.coalesce(Elder.last_visited_at, NEVER)
    special = or_(Elder.lives_alone, Elder.lost_only_child)  # the partial index's predicate
    conditions: list[ColumnElement[bool]] = [
        special,
        or_(and_(Elder.lives_alone, Elder.birth_date <= aged_born_by), Elder.lost_only_child),
    ]
    if f.community_id is not None:
        conditions.append(Elder.community_id == f.community_id)
    if f.district is not None:
        conditions.append(Community.district == f.district)
    if f.overdue_only:
        conditions.append(sort_key < due_before)
    if after is not None:
        conditions.append(tuple_(sort_key, Elder.id) > tuple_(after[0], after[1]))
    stmt = (
        select(
            Elder.id,
            Elder.name,
            Elder.birth_date,
            Elder.community_id,
            Community.name.label("community_name"),
            Community.district,
            Elder.lives_alone,
            Elder.lost_only_child,
            Elder.last_visited_at,
            sort_key.label("sort_key"),
        )
        .outerjoin(Community, Community.id == Elder.community_id)
        .where(*conditions)
        .order_by(sort_key, Elder.id)
        .limit(limit)
    )
    return [dict(r) for r in (await session.execute(stmt)).mappings().all()]
