"""Institution SQL: the row every read shapes, one statement by id, the search as a `Listing`;
writes go through the request's session and only flush — the unit of work commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    any_,
    bindparam,
    exists,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from common.listing import Bound, Chosen, Filter, Keyset, Listing
from common.opening_hours import open_now_filters
from common.ranked_listing import RankedListing, text_filter
from common.read import Statement
from services.childcare.models import Enrollment, Institution


@dataclass(frozen=True, slots=True)
class InstitutionRow:
    id: int
    name: str
    district: str
    address: str
    lat: float
    lon: float
    public_lat: float
    public_lon: float
    kind: str
    inclusive: bool
    public_owned: bool
    demonstration_level: str | None
    demonstration_year: int | None
    capacity: int
    enrolled: int
    offered: int
    monthly_fee_fen: int
    min_age_months: int
    max_age_months: int
    opening_hours: str
    weekly_hours: str  # jsonb as text on the read path: [[weekday, opens, closes], ...]
    phone: str
    vacancies_as_of: datetime


@dataclass(frozen=True, slots=True)
class InstitutionHit(InstitutionRow):
    distance_m: float | None  # from the published point, so it gives no home away


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
    # `open_now`: the city's week minute it is asked at (`LocalMoment.week_minute`)
    open_at: int | None = None
    closed_at: int | None = None


INSTITUTIONS = select(
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
    Institution.weekly_hours,
    Institution.phone,
    Institution.vacancies_as_of,
)
GET = Statement(INSTITUTIONS.where(Institution.id == bindparam("id")), InstitutionRow)


def _demonstration(choice: str) -> ColumnElement[bool]:
    level = Institution.demonstration_level
    if choice == "any":
        return level.is_not(None)
    if choice == "none":
        return level.is_(None)
    return level == literal(choice)


_TAKEN = Institution.enrolled + Institution.offered
_AGE = Integer()
# nearest (published point) first with a centre, else by id. `q` matches the name's search
# document (common/search.py: one or two characters, pinyin, initials) through its GIN index;
# a search by `q` without a centre is ranked: names that are the term, that start with it, the
# rest, each by id
_FILTERS: dict[str, Filter] = {
    "district": Bound(lambda p: Institution.district == p),
    "kind": Bound(lambda p: Institution.kind == p),
    "inclusive": Chosen(lambda v: Institution.inclusive.is_(v)),
    "demonstration": Chosen(_demonstration),
    "has_vacancy": Chosen(
        lambda v: Institution.capacity > _TAKEN if v else Institution.capacity <= _TAKEN
    ),
    "age_months": Bound(
        lambda p: and_(Institution.min_age_months <= p, Institution.max_age_months >= p),
        type_=_AGE,
    ),
    "max_fee_fen": Bound(lambda p: Institution.monthly_fee_fen <= p),
    "q": text_filter(Institution.search),
    **open_now_filters(Institution.weekly_hours),
}
SEARCH = Listing(
    INSTITUTIONS,
    InstitutionHit,
    filters=_FILTERS,
    order=Keyset((Institution.id,)),
    nearest=Institution.earth_loc,
)
RANKED = RankedListing(
    INSTITUTIONS,
    InstitutionHit,
    filters=_FILTERS,
    order=Keyset((Institution.id,)),
    column=Institution.search,
    nearest=Institution.earth_loc,
)


def search_for(filters: InstitutionFilter, *, near: bool) -> Listing[InstitutionHit]:
    """The list a search runs: ranked when it has a term and no centre (nearest first else)."""
    return RANKED if filters.q and not near else SEARCH


# --- writes (the request's session) ----------------------------------------------------------


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
