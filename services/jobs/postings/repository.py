"""Posting SQL: the row every read shapes, one statement by id, the search as a `Listing`;
writes go through the request's session (ORM) and only flush."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, String, any_, bindparam, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from common.listing import Bound, Chosen, Keyset, Listing, contains
from common.read import Statement
from services.jobs.models import Posting


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

# open postings that have not expired, newest first (the id order of posting). Title and
# employer each have a pg_trgm GIN index; the planner ORs the two bitmaps. A term of 3+
# characters narrows through trigrams; 1-2 (会计) make none, so PostgreSQL scans (the open
# postings are few). Chinese makes trigrams under a UTF-8 LC_CTYPE.
SEARCH = Listing(
    POSTINGS.where(Posting.status == "open"),
    PostingRow,
    filters={
        "now": Bound(lambda p: Posting.expires_at > p, type_=DateTime(timezone=True)),
        "q": Bound(
            lambda p: or_(
                Posting.title.ilike(p, escape="\\"), Posting.employer.ilike(p, escape="\\")
            ),
            type_=String,
            bind=contains,
        ),
        "district": Bound(lambda p: Posting.district == p),
        "category": Bound(lambda p: Posting.category == p),
        "education": Bound(lambda p: Posting.education == any_(p), type_=ARRAY(String), bind=list),
        "min_salary_fen": Bound(lambda p: Posting.salary_max_fen >= p),
        "graduate_friendly": Chosen(lambda v: Posting.graduate_friendly.is_(v)),
    },
    order=Keyset((Posting.id,), descending=True),
)


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
