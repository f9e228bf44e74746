"""Institution SQL. Reads are statements compiled once (`common.read`); writes go through the
request's session and only flush — the unit of work commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    any_,
    bindparam,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from common.geo_query import keyset_params, keyset_statement
from common.read import Statement
from services.childcare.models import Enrollment, Institution


@dataclass(frozen=True)
class InstitutionFilter:
    district: str | None = None
    kind: str | None = None
    inclusive: bool | None = None
    demonstration: str | None = None  # regional | city | any | none
    has_vacancy: bool | None = None
    age_months: int | None = None
    max_fee_fen: int | None = None
    q: str | None = None
    near: tuple[float, float, int] | None = None  # WGS-84 lat, lon, radius metres


@dataclass(frozen=True)
class _Shape:
    """What decides the SQL of a search — which filters are present, the values of the
    enumerated ones — not the values bound into it: one compiled statement per shape."""

    district: bool
    kind: bool
    inclusive: bool | None
    demonstration: str | None
    has_vacancy: bool | None
    age_months: bool
    max_fee_fen: bool
    q: bool
    near: bool
    after: bool

    @classmethod
    def of(cls, f: InstitutionFilter, after: bool) -> _Shape:
        return cls(
            district=f.district is not None,
            kind=f.kind is not None,
            inclusive=f.inclusive,
            demonstration=f.demonstration,
            has_vacancy=f.has_vacancy,
            age_months=f.age_months is not None,
            max_fee_fen=f.max_fee_fen is not None,
            q=bool(f.q),
            near=f.near is not None,
            after=after,
        )


COLUMNS = (
    Institution.id,
    Institution.name,
    Institution.district,
    Institution.address,
    Institution.lat,
    Institution.lon,
    Institution.public_lat,
    Institution.public_lon,
    Institution.kind,
    Institution.inclusive,
    Institution.public_owned,
    Institution.demonstration_level,
    Institution.demonstration_year,
    Institution.capacity,
    Institution.enrolled,
    Institution.offered,
    Institution.monthly_fee_fen,
    Institution.min_age_months,
    Institution.max_age_months,
    Institution.opening_hours,
    Institution.phone,
    Institution.vacancies_as_of,
)
BY_ID = select(*COLUMNS).where(Institution.id == bindparam("id"))
GET = Statement(BY_ID)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(s: _Shape) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if s.district:
        conditions.append(Institution.district == bindparam("district"))
    if s.kind:
        conditions.append(Institution.kind == bindparam("kind"))
    if s.inclusive is not None:
        conditions.append(Institution.inclusive.is_(s.inclusive))
    if s.demonstration == "any":
        conditions.append(Institution.demonstration_level.is_not(None))
    elif s.demonstration == "none":
        conditions.append(Institution.demonstration_level.is_(None))
    elif s.demonstration is not None:
        conditions.append(Institution.demonstration_level == bindparam("demonstration"))
    if s.has_vacancy is True:
        conditions.append(Institution.enrolled + Institution.offered < Institution.capacity)
    elif s.has_vacancy is False:
        conditions.append(Institution.enrolled + Institution.offered >= Institution.capacity)
    if s.age_months:
        age = bindparam("age_months", type_=Integer)
        conditions.append(
            and_(Institution.min_age_months <= age, Institution.max_age_months >= age)
        )
    if s.max_fee_fen:
        conditions.append(Institution.monthly_fee_fen <= bindparam("max_fee_fen"))
    if s.q:
        # pg_trgm's GIN index serves ILIKE '%…%' for 3+ characters
        conditions.append(Institution.name.ilike(bindparam("q"), escape="\\"))
    return conditions


@lru_cache(maxsize=512)
def _search_statement(shape: _Shape) -> Statement[asyncpg.Record]:
    return Statement(
        keyset_statement(
            COLUMNS,
            earth_loc=Institution.earth_loc,
            id_col=Institution.id,
            conditions=_conditions(shape),
            near=shape.near,
            after=shape.after,
        )
    )


async def search(
    conn: asyncpg.Connection, f: InstitutionFilter, *, limit: int, after: list[Any] | None
) -> Sequence[asyncpg.Record]:
    """`limit + 1` rows of one keyset page, nearest (published point) first with a centre."""
    params = keyset_params(f.near, after, limit)
    for name in ("district", "kind", "demonstration", "age_months", "max_fee_fen"):
        if getattr(f, name) is not None:
            params[name] = getattr(f, name)
    if f.q:
        params["q"] = f"%{_escape_like(f.q)}%"
    return await _search_statement(_Shape.of(f, bool(after))).rows(conn, **params)


async def get(conn: asyncpg.Connection, institution_id: int) -> asyncpg.Record | None:
    return await GET.row(conn, id=institution_id)


# --- writes (the request's session) ----------------------------------------------------------


async def row_in_session(session: AsyncSession, institution_id: int) -> Mapping[str, Any]:
    """The institution as the read path shapes it, read inside the writing transaction."""
    return dict((await session.execute(BY_ID, {"id": institution_id})).mappings().one())


async def lock_by_name(session: AsyncSession, name: str, district: str) -> Institution | None:
    """The institution of this (name, district), the importer's natural key, locked for update."""
    return await session.scalar(
        select(Institution)
        .where(Institution.name == name, Institution.district == district)
        .with_for_update()
    )


async def lock_institutions(session: AsyncSession, ids: list[int]) -> dict[int, Institution]:
    """Locks institution rows in id order (a fixed order, so two transactions never deadlock)."""
    rows = (
        await session.scalars(
            select(Institution)
            .where(Institution.id.in_(sorted(set(ids))))
            .order_by(Institution.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    return {r.id: r for r in rows}


# the hot statements of apply, run on the transaction's driver connection: lock the rows in
# id order (two transactions never deadlock), then one conditional UPDATE takes a place only
# while `enrolled + offered < capacity` and the child (by identity) holds no place anywhere
@dataclass(frozen=True, slots=True)
class ApplyTarget:
    """What applying needs of an institution, read under its row lock."""

    id: int
    name: str
    offered: int
    min_age_months: int
    max_age_months: int


LOCK_FOR_APPLY = Statement(
    select(
        Institution.id,
        Institution.name,
        Institution.offered,
        Institution.min_age_months,
        Institution.max_age_months,
    )
    .where(Institution.id == any_(bindparam("ids", type_=ARRAY(BigInteger))))
    .order_by(Institution.id)
    .with_for_update(),
    ApplyTarget,
)
TAKE_PLACE = Statement(
    update(Institution)
    .where(
        Institution.id == bindparam("id"),
        Institution.enrolled + Institution.offered < Institution.capacity,
        ~exists().where(
            Enrollment.child_identity == bindparam("identity"), Enrollment.status == "enrolled"
        ),
    )
    .values(enrolled=Institution.enrolled + 1, vacancies_as_of=func.now())
    .returning(Institution.id)
)


async def adjust_counts(
    session: AsyncSession, institution_id: int, *, enrolled: int = 0, offered: int = 0
) -> None:
    await session.execute(
        update(Institution)
        .where(Institution.id == institution_id)
        .values(
            enrolled=Institution.enrolled + enrolled,
            offered=Institution.offered + offered,
            vacancies_as_of=func.now(),
        )
        .execution_options(synchronize_session=False)
    )
