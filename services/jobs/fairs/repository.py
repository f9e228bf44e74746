"""Fair and registration SQL: typed rows, one statement per read, the lists as `Listing`s;
writes go through the request's session and only flush. A seat is taken by one conditional
UPDATE of the fair row (`registered < capacity`), which the CHECK `registered <= capacity`
backs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    DateTime,
    bindparam,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from common.listing import Bound, Keyset, Listing
from common.read import Statement
from services.jobs.models import Fair, FairRegistration


@dataclass(frozen=True, slots=True)
class FairRow:
    id: int
    name: str
    description: str | None
    starts_at: datetime
    ends_at: datetime
    venue: str
    address: str
    district: str
    lat: float | None
    lon: float | None
    capacity: int
    registered: int
    employers: str  # jsonb, as text on the driver: [{employer, positions: [...]}, ...]


@dataclass(frozen=True, slots=True)
class RegistrationRow:
    id: int
    fair_id: int
    fair_name: str
    starts_at: datetime
    venue: str
    status: str
    registered_at: datetime
    cancelled_at: datetime | None


@dataclass(frozen=True)
class FairFilter:
    ends_after: datetime | None = None  # upcoming: not over at this moment
    ends_by: datetime | None = None  # past: over by this moment
    district: str | None = None


FAIRS = select(
    Fair.id,
    Fair.name,
    Fair.description,
    Fair.starts_at,
    Fair.ends_at,
    Fair.venue,
    Fair.address,
    Fair.district,
    Fair.lat,
    Fair.lon,
    Fair.capacity,
    Fair.registered,
    Fair.employers,
)
GET = Statement(FAIRS.where(Fair.id == bindparam("id")), FairRow)
_WHEN = DateTime(timezone=True)
# soonest first
SEARCH = Listing(
    FAIRS,
    FairRow,
    filters={
        "ends_after": Bound(lambda p: Fair.ends_at > p, type_=_WHEN),
        "ends_by": Bound(lambda p: Fair.ends_at <= p, type_=_WHEN),
        "district": Bound(lambda p: Fair.district == p),
    },
    order=Keyset((Fair.starts_at, Fair.id)),
)

REGISTRATIONS = select(
    FairRegistration.id,
    FairRegistration.fair_id,
    Fair.name.label("fair_name"),
    Fair.starts_at,
    Fair.venue,
    FairRegistration.status,
    FairRegistration.registered_at,
    FairRegistration.cancelled_at,
).join(Fair, Fair.id == FairRegistration.fair_id)
_CITIZEN = FairRegistration.citizen_sub == bindparam("citizen")
GET_REGISTRATION = Statement(
    REGISTRATIONS.where(FairRegistration.id == bindparam("id")), RegistrationRow
)
GET_MINE = Statement(
    REGISTRATIONS.where(_CITIZEN, FairRegistration.id == bindparam("id")), RegistrationRow
)
# a citizen's registrations, newest first
MINE = Listing(
    REGISTRATIONS,
    RegistrationRow,
    filters={"citizen": Bound(lambda p: FairRegistration.citizen_sub == p)},
    order=Keyset((FairRegistration.id,), descending=True),
)


# --- writes (the request's session) ----------------------------------------------------------


async def active_registration(session: AsyncSession, fair_id: int, citizen: str) -> int | None:
    return await session.scalar(
        select(FairRegistration.id).where(
            FairRegistration.fair_id == fair_id,
            FairRegistration.citizen_sub == citizen,
            FairRegistration.status == "registered",
        )
    )


async def take_seat(session: AsyncSession, fair_id: int, now: datetime) -> bool:
    """One conditional statement: a seat is taken only while one is free and the fair has not
    started; concurrent callers queue on the row and each re-checks the condition."""
    taken = await session.scalar(
        update(Fair)
        .where(Fair.id == fair_id, Fair.registered < Fair.capacity, Fair.starts_at > now)
        .values(registered=Fair.registered + 1)
        .returning(Fair.id)
        .execution_options(synchronize_session=False)
    )
    return taken is not None


async def release_seat(session: AsyncSession, fair_id: int) -> None:
    await session.execute(
        update(Fair)
        .where(Fair.id == fair_id)
        .values(registered=Fair.registered - 1)
        .execution_options(synchronize_session=False)
    )


async def lock_registration(
    session: AsyncSession, citizen: str, registration_id: int
) -> FairRegistration | None:
    return await session.scalar(
        select(FairRegistration)
        .where(FairRegistration.id == registration_id, FairRegistration.citizen_sub == citizen)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
