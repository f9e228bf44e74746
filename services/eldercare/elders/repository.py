"""Elder SQL: who may see which elder, profiles with their community and family, family links.

A citizen's elders are found in two index lookups (their own profile by `subject_sub`, the
profiles they are linked to by `elder_family`), never by a scan; profiles are then read by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import asyncpg
from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
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
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by, array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from common.listing import Bound, Keyset, Listing
from common.read import Statement
from services.eldercare.models import Community, Elder, ElderFamily


@dataclass(frozen=True, slots=True)
class Relation:
    elder_id: int
    relation: str  # self | family


@dataclass(frozen=True, slots=True)
class ElderRow:
    id: int
    name: str
    birth_date: date
    id_number_masked: str | None
    community_id: int | None
    community_name: str | None
    district: str | None
    lives_alone: bool
    lost_only_child: bool
    care_needs: list[str]
    address: str | None
    phone: str | None
    emergency_contact_name: str | None
    emergency_contact_phone: str | None
    emergency_contact_relation: str | None
    created_by_role: str
    family_citizen_ids: list[str]
    last_visited_at: datetime | None
    suspected_duplicate: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AtRiskRow:
    id: int
    name: str
    birth_date: date
    community_id: int | None
    community_name: str | None
    district: str | None
    lives_alone: bool
    lost_only_child: bool
    last_visited_at: datetime | None


# --- who may see which elder -----------------------------------------------------------------
VISIBLE = Statement(
    union_all(
        select(Elder.id.label("elder_id"), literal("self").label("relation")).where(
            Elder.subject_sub == bindparam("sub")
        ),
        select(ElderFamily.elder_id, literal("family").label("relation")).where(
            ElderFamily.citizen_sub == bindparam("sub")
        ),
    ),
    Relation,
)


def relations(rows: Sequence[Relation]) -> dict[int, str]:
    """elder id → `self` or `family` (an elder linked to themself is `self`)."""
    out: dict[int, str] = {}
    for row in rows:
        if out.get(row.elder_id) != "self":
            out[row.elder_id] = row.relation
    return out


async def visible(conn: asyncpg.Connection, sub: str) -> dict[int, str]:
    return relations(await VISIBLE.rows(conn, sub=sub))


async def visible_in_session(session: AsyncSession, sub: str) -> dict[int, str]:
    return relations(await VISIBLE.rows_in(session, sub=sub))


# --- profiles --------------------------------------------------------------------------------
_twin = aliased(Elder)
_FAMILY = (
    select(func.array_agg(aggregate_order_by(ElderFamily.citizen_sub, ElderFamily.citizen_sub)))
    .where(ElderFamily.elder_id == Elder.id)
    .correlate(Elder)
    .scalar_subquery()
)
PROFILES = select(
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
    Elder.address,
    Elder.phone,
    Elder.emergency_contact_name,
    Elder.emergency_contact_phone,
    Elder.emergency_contact_relation,
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
).outerjoin(Community, Community.id == Elder.community_id)
GET = Statement(PROFILES.where(Elder.id == bindparam("id", type_=BigInteger)), ElderRow)
_BY_ID = Keyset((Elder.id,))
# the elders a citizen may see (`ids`, the list's own parameter)
OF_IDS = Listing(
    PROFILES.where(Elder.id == any_(bindparam("ids", type_=ARRAY(BigInteger)))),
    ElderRow,
    order=_BY_ID,
)


@dataclass(frozen=True)
class StaffFilter:
    community_id: int | None = None
    district: str | None = None


# every elder, for staff (each one shown audited)
EVERY = Listing(
    PROFILES,
    ElderRow,
    filters={
        "community_id": Bound(lambda p: Elder.community_id == p, type_=BigInteger),
        "district": Bound(lambda p: Community.district == p),
    },
    order=_BY_ID,
)


# --- writes and staff reads (the request's session) --------------------------------------------


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


# --- the at-risk round (staff; read on the audit's transaction) --------------------------------
# never visited sorts before every visit: longest unvisited first
NEVER = datetime(1900, 1, 1, tzinfo=UTC)
_SORT_KEY = func.coalesce(Elder.last_visited_at, NEVER).label("sort_key")


@dataclass(frozen=True)
class AtRiskFilter:
    aged_born_by: date  # aged: born on or before this day
    community_id: int | None = None
    district: str | None = None
    due_before: datetime | None = None  # only those unvisited since (overdue)


# elders aged and living alone, or of 失独 families, in order of their last completed visit
# (never first), then id; `lives_alone OR lost_only_child` is the partial index's predicate
AT_RISK = Listing(
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
        _SORT_KEY,
    )
    .outerjoin(Community, Community.id == Elder.community_id)
    .where(or_(Elder.lives_alone, Elder.lost_only_child)),
    AtRiskRow,
    filters={
        "aged_born_by": Bound(
            lambda p: or_(and_(Elder.lives_alone, Elder.birth_date <= p), Elder.lost_only_child),
            type_=Date,
        ),
        "community_id": Bound(lambda p: Elder.community_id == p, type_=BigInteger),
        "district": Bound(lambda p: Community.district == p),
        "due_before": Bound(
            lambda p: func.coalesce(Elder.last_visited_at, NEVER) < p, type_=DateTime(timezone=True)
        ),
    },
    order=Keyset((_SORT_KEY, Elder.id)),
)
