"""Registering for a fair: a seat while one is free and the fair has not started (one
conditional UPDATE, so never over capacity whatever the concurrency), one seat per citizen and
fair (a partial UNIQUE index), and cancelling gives the seat back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.db import insert_unless_taken
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.jobs.fairs import repository
from services.jobs.fairs.errors import (
    AlreadyRegistered,
    FairFull,
    FairNotFound,
    RegistrationClosed,
    RegistrationNotFound,
)
from services.jobs.fairs.lifecycle import REGISTRATION
from services.jobs.fairs.schemas import FairRegistrationRead
from services.jobs.models import FairRegistration


async def _read(session: AsyncSession, registration_id: int) -> FairRegistrationRead:
    return FairRegistrationRead.of(
        await repository.registration_in_session(session, registration_id)
    )


async def register(
    session: AsyncSession, *, citizen: Principal, fair_id: int, now: datetime
) -> FairRegistrationRead:
    fair = await repository.get_fair(session, fair_id)
    if fair is None:
        raise FairNotFound(f"Fair {fair_id} does not exist.")
    if fair.starts_at <= now:
        raise RegistrationClosed("The fair has started or is over; registration is closed.")
    held = await repository.active_registration(session, fair_id, citizen.sub)
    if held is not None:
        raise AlreadyRegistered("You are already registered for this fair.", registration_id=held)
    if not await repository.take_seat(session, fair_id, now):
        raise FairFull(f"This fair is full ({fair.capacity} seats, every one taken).")
    registration = await insert_unless_taken(
        session,
        FairRegistration(
            fair_id=fair_id,
            citizen_sub=citizen.sub,
            status="registered",
            registered_at=now,
            status_changed_at=now,
        ),
    )
    if registration is None:  # the same citizen twice at once: the partial index decides
        raise AlreadyRegistered("You are already registered for this fair.")
    return await _read(session, registration.id)


async def cancel(
    session: AsyncSession, *, citizen: Principal, registration_id: int, now: datetime
) -> FairRegistrationRead:
    registration = await repository.lock_registration(session, citizen.sub, registration_id)
    if registration is None:
        raise RegistrationNotFound(f"Registration {registration_id} does not exist.")
    REGISTRATION.check(registration.status, "cancelled")
    fair = await repository.get_fair(session, registration.fair_id)
    assert fair is not None  # a registration's fair is never deleted while it exists
    if fair.starts_at <= now:
        raise RegistrationClosed("The fair has started or is over; it cannot be cancelled now.")
    REGISTRATION.transition(registration, "cancelled", now)
    await session.flush()
    await repository.release_seat(session, fair.id)
    return await _read(session, registration.id)


async def list_registrations(
    reader: Reader, *, citizen: Principal, limit: int, cursor: str | None, codec: CursorCodec
) -> Page[FairRegistrationRead]:
    before = codec.decode(cursor, "fair-registrations") if cursor else None
    async with reader.connection() as conn:
        rows = await repository.list_mine(
            conn, citizen.sub, limit=limit + 1, before_id=int(before[0]) if before else None
        )
    items = [FairRegistrationRead.of(r) for r in rows[:limit]]
    more = len(rows) > limit
    next_cursor = codec.encode([items[-1].id], "fair-registrations") if more else None
    return Page[FairRegistrationRead](items=items, next_cursor=next_cursor)


async def get_registration(
    reader: Reader, *, citizen: Principal, registration_id: int
) -> FairRegistrationRead:
    async with reader.connection() as conn:
        row = await repository.get_mine(conn, citizen.sub, registration_id)
    if row is None:
        raise RegistrationNotFound(f"Registration {registration_id} does not exist.")
    return FairRegistrationRead.of(row)
