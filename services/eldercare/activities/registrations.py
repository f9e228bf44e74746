"""Registering for an activity and cancelling: a seat while one is free (one conditional
UPDATE), else the FIFO waitlist while it has room, else `409 activity_full`. A cancelled seat
goes to the head of the waitlist in the same transaction, so a seat is never free while someone
waits.

Locks: the waitlist path and every path that frees a seat hold the activity's row lock, and
the waitlist is joined only under it; so a registration that finds no seat and a cancellation
that frees one are serialized, and the late one sees the other's effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.clock import Clock
from common.db import insert_unless_taken, load
from common.i18n import t
from services.eldercare.activities import registration_repository, repository
from services.eldercare.activities.errors import (
    ActivityCancelled,
    ActivityFull,
    ActivityNotFound,
    ActivityStarted,
    AlreadyRegistered,
    RegistrationNotFound,
)
from services.eldercare.activities.lifecycle import REGISTRATION
from services.eldercare.activities.schemas import RegistrationCreate, RegistrationRead
from services.eldercare.elders import repository as elder_repository
from services.eldercare.elders.errors import ElderNotFound
from services.eldercare.models import Activity, ActivityRegistration
from services.eldercare.notifications import notices


def participant_key(elder_id: int | None, subject_sub: str | None) -> str:
    """One key per person, however they are registered, so the partial UNIQUE index on
    (activity, participant) gives one seat per person: someone with a citizen account is
    `citizen:<sub>` (for themself, or by family through their elder profile, before or after
    that profile exists); an elder without an account is `elder:<id>`."""
    return f"citizen:{subject_sub}" if subject_sub is not None else f"elder:{elder_id}"


async def _participant(
    session: AsyncSession, principal: Principal, elder_id: int | None
) -> tuple[int | None, str]:
    """Who takes the seat: the linked elder named, else the caller (with their own elder
    profile, if they have one)."""
    mine = await elder_repository.visible_in_session(session, principal.sub)
    if elder_id is not None:
        if elder_id not in mine:
            raise ElderNotFound(id=elder_id)
        subject = await elder_repository.subject_of(session, elder_id)
        return elder_id, participant_key(elder_id, subject)
    own = next((e for e, relation in mine.items() if relation == "self"), None)
    return own, participant_key(own, principal.sub)


def _check_open(activity: Activity, now: datetime) -> None:
    if activity.status == "cancelled":
        raise ActivityCancelled(t("This activity has been cancelled."))
    if activity.starts_at <= now:
        raise ActivityStarted(t("This activity has already started."))


async def register(
    session: AsyncSession,
    *,
    principal: Principal,
    activity_id: int,
    body: RegistrationCreate,
    clock: Clock,
) -> RegistrationRead:
    now = clock.now()
    elder_id, participant = await _participant(session, principal, body.elder_id)
    activity = await load(session, Activity, activity_id, ActivityNotFound, lock=False)
    _check_open(activity, now)
    if await registration_repository.has_active(session, activity_id, participant):
        raise AlreadyRegistered(
            t("This person is already registered or waiting for this activity.")
        )
    status = "registered"
    if not await repository.take_seat(session, activity_id, now):
        # full when we looked: decide under the row lock, where seats are freed
        locked = await load(session, Activity, activity_id, ActivityNotFound, lock=True)
        _check_open(locked, now)
        if not await repository.take_seat(session, activity_id, now):
            if not await repository.join_waitlist(session, activity_id):
                raise ActivityFull(
                    t("Every seat is taken and the waitlist is full."),
                    capacity=locked.capacity,
                    waitlist_capacity=locked.waitlist_capacity,
                )
            status = "waitlisted"
    registration = await insert_unless_taken(
        session,
        ActivityRegistration(
            activity_id=activity_id,
            registrant_sub=principal.sub,
            elder_id=elder_id,
            participant=participant,
            status=status,
            registered_at=now,
            status_changed_at=now,
        ),
    )
    if registration is None:  # the same participant twice at once: the partial UNIQUE decides
        raise AlreadyRegistered(t("This person is already registered for this activity."))
    return await _read(session, registration.id)


async def _read(session: AsyncSession, registration_id: int) -> RegistrationRead:
    """The registration as a read shows it, inside the writing transaction."""
    row = await registration_repository.GET.one_in(
        session, RegistrationNotFound, id=registration_id
    )
    return RegistrationRead.of(row)


async def seat_waiting(session: AsyncSession, activity: Activity, free: int, now: datetime) -> int:
    """Gives up to `free` seats to the head of the waitlist (the activity row is locked);
    returns how many were seated."""
    heads = (
        await registration_repository.waitlist_head(session, activity.id, free) if free > 0 else []
    )
    for head in heads:
        REGISTRATION.transition(head, "registered", now)
    await notices.seats_given(session, activity, heads, now=now)
    if heads:
        await session.flush()
        await repository.adjust(session, activity.id, registered=len(heads), waitlisted=-len(heads))
    return len(heads)


async def cancel(
    session: AsyncSession, *, principal: Principal, registration_id: int, clock: Clock
) -> RegistrationRead:
    """The registrant, or anyone who may act for the elder registered, cancels; a freed seat
    goes to the head of the waitlist at once."""
    now = clock.now()
    found = await registration_repository.get_registration(session, registration_id)
    mine = await elder_repository.visible_in_session(session, principal.sub)
    if found is None or (found.registrant_sub != principal.sub and found.elder_id not in mine):
        raise RegistrationNotFound(id=registration_id)
    # the activity first, then the registration: the one lock order of every seat change
    activity = await load(session, Activity, found.activity_id, ActivityNotFound, lock=True)
    registration = await registration_repository.get_registration(
        session, registration_id, lock=True
    )
    assert registration is not None
    REGISTRATION.check(registration.status, "cancelled")
    if activity.starts_at <= now:
        raise ActivityStarted(t("This activity has already started."))
    was = REGISTRATION.transition(registration, "cancelled", now)
    await session.flush()
    if was == "waitlisted":
        await repository.adjust(session, activity.id, waitlisted=-1)
    else:
        await repository.adjust(session, activity.id, registered=-1)
        await seat_waiting(session, activity, 1, now)
    return await _read(session, registration_id)
