"""Posting SQL: the row every read shapes, one statement by id, the search as a `Listing`;
writes go through the request's session (ORM) and only flush."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from common.listing import Bound, Chosen, Filter, Keyset, Listing
from common.name_keys import NameKeys
from common.ranked_listing import RankedListing, text_filter
from common.read import Statement
from services.jobs.models import Posting, PostingNameKey


@dataclass(frozen=True, slots=True)
class PostingRow:
    id: int
    employer: str
    title: str
    category: str
    district: str
    salary_min_fen: int
    salary_max_fen: int
    education: str
    graduate_friendly: bool
    openings: int
    description: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    how_to_apply: str | None
    apply_url: str | None
    address: str | None
    lat: float | None
    lon: float | None
    status: str
    posted_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class PostingFilter:
    now: datetime  # only postings open and not expired at this moment are searched
    q: str | None = None
    district: str | None = None
    category: str | None = None
    education: tuple[str, ...] | None = None  # requirements the seeker meets
    min_salary_fen: int | None = None
    graduate_friendly: bool | None = None


POSTINGS = select(
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
    Posting.contact_name,
    Posting.contact_phone,
    Posting.contact_email,
    Posting.how_to_apply,
    Posting.apply_url,
    Posting.address,
    Posting.lat,
    Posting.lon,
    Posting.status,
    Posting.posted_at,
    Posting.expires_at,
)
GET = Statement(POSTINGS.where(Posting.id == bindparam("id")), PostingRow)

# open postings that have not expired, newest first (the id order of posting). `q` matches the
# search document of title and employer (common/search.py: one or two characters, pinyin,
# initials) through its GIN index; a search by `q` is ranked — titles that are the term, then
# titles that start with it, then the rest — each newest first; the first two read the title's
# name keys (common/name_keys.py) newest first.
_FILTERS: dict[str, Filter] = {
    "now": Bound(lambda p: Posting.expires_at > p, type_=DateTime(timezone=True)),
    "q": text_filter(Posting.search),
    "district": Bound(lambda p: Posting.district == p),
    "category": Bound(lambda p: Posting.category == p),
    "education": Bound(lambda p: Posting.education == any_(p), type_=ARRAY(String), bind=list),
    "min_salary_fen": Bound(lambda p: Posting.salary_max_fen >= p),
    "graduate_friendly": Chosen(lambda v: Posting.graduate_friendly.is_(v)),
}
_OPEN = Posting.status == "open"
SEARCH = Listing(
    POSTINGS.where(_OPEN),
    PostingRow,
    filters=_FILTERS,
    order=Keyset((Posting.id,), descending=True),
)
RANKED = RankedListing(
    POSTINGS.where(_OPEN),
    PostingRow,
    filters=_FILTERS,
    order=Keyset((Posting.id,), descending=True),
    column=Posting.search,
    names=NameKeys(PostingNameKey, PostingNameKey.key, PostingNameKey.posting_id, Posting.id),
)


def search_for(filters: PostingFilter) -> Listing[PostingRow]:
    """The list a search runs: ranked when it has a term."""
    return RANKED if filters.q else SEARCH


# --- writes (the request's session) ----------------------------------------------------------


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
