"""Registering for a fair: a seat while one is free and the fair has not started (one
conditional UPDATE, so never over capacity whatever the concurrency), one seat per citizen and
fair (a partial UNIQUE index), and cancelling gives the seat back."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.clock import Clock
from common.db import insert_unless_taken, load
from common.i18n import t
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
from services.jobs.models import Fair, FairRegistration
from services.jobs.notifications import notices


async def _read(session: AsyncSession, registration_id: int) -> FairRegistrationRead:
    """The registration as a read shows it, inside the writing transaction."""
    row = await repository.GET_REGISTRATION.one_in(
        session, RegistrationNotFound, id=registration_id
    )
    return FairRegistrationRead.of(row)


async def register(
    session: AsyncSession, *, citizen: Principal, fair_id: int, clock: Clock
) -> FairRegistrationRead:
    now = clock.now()
    fair = await load(session, Fair, fair_id, FairNotFound, lock=False)
    if fair.starts_at <= now:
        raise RegistrationClosed(t("The fair has started or is over; registration is closed."))
    held = await repository.active_registration(session, fair_id, citizen.sub)
    if held is not None:
        raise AlreadyRegistered(
            t("You are already registered for this fair."), registration_id=held
        )
    if not await repository.take_seat(session, fair_id, now):
        raise FairFull(
            t("This fair is full ({capacity} seats, every one taken).", capacity=fair.capacity)
        )
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
        raise AlreadyRegistered(t("You are already registered for this fair."))
    read = await _read(session, registration.id)
    await notices.fair_registered(session, read, citizen_sub=citizen.sub, now=now)
    return read


async def cancel(
    session: AsyncSession, *, citizen: Principal, registration_id: int, clock: Clock
) -> FairRegistrationRead:
    now = clock.now()
    registration = await repository.lock_registration(session, citizen.sub, registration_id)
    if registration is None:
        raise RegistrationNotFound(id=registration_id)
    REGISTRATION.check(registration.status, "cancelled")
    # a registration's fair is never deleted while the registration exists
    fair = await load(session, Fair, registration.fair_id, FairNotFound, lock=False)
    if fair.starts_at <= now:
        raise RegistrationClosed(t("The fair has started or is over; it cannot be cancelled now."))
    REGISTRATION.transition(registration, "cancelled", now)
    await session.flush()
    await repository.release_seat(session, fair.id)
    return await _read(session, registration.id)


async def list_registrations(
    reader: Reader, *, citizen: Principal, limit: int, cursor: str | None, codec: CursorCodec
) -> Page[FairRegistrationRead]:
    async with reader.connection() as conn:
        return await repository.MINE.page(
            conn,
            {"citizen": citizen.sub},
            limit=limit,
            cursor=cursor,
            codec=codec,
            scope="fair-registrations",
            shape=FairRegistrationRead.of,
        )


async def get_registration(
    reader: Reader, *, citizen: Principal, registration_id: int
) -> FairRegistrationRead:
    row = await reader.one(
        repository.GET_MINE, RegistrationNotFound, citizen=citizen.sub, id=registration_id
    )
    return FairRegistrationRead.of(row)
