"""Staff schedule and change activities: times in order and in the future, a facility of the
activity's own community, capacity changes that seat the waitlist, cancellation of a session
with every registration of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import CITY_TZ, Clock
from common.db import load
from common.geo import CoordSys
from common.i18n import t
from services.eldercare.activities import registration_repository, repository
from services.eldercare.activities.errors import (
    ActivityNotFound,
    ActivityStarted,
    CapacityBelowRegistered,
    FacilityNotInCommunity,
    InvalidTimeRange,
    StartsInPast,
    WaitlistBelowWaiting,
)
from services.eldercare.activities.lifecycle import ACTIVITY, REGISTRATION
from services.eldercare.activities.registrations import seat_waiting
from services.eldercare.activities.schemas import ActivityCreate, ActivityRead, ActivityUpdate
from services.eldercare.facilities.errors import CommunityNotFound
from services.eldercare.models import Activity, Community, Facility
from services.eldercare.notifications import notices


def _check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidTimeRange(t("ends_at must be after starts_at."))
    if starts_at <= now:
        raise StartsInPast(t("starts_at must be in the future."))


async def _check_facility(
    session: AsyncSession, facility_id: int | None, community_id: int
) -> None:
    if facility_id is None:
        return
    facility = await session.get(Facility, facility_id)
    if facility is None or facility.community_id != community_id:
        raise FacilityNotInCommunity(
            t(
                "Facility {facility_id} is not a facility of community {community_id}.",
                facility_id=facility_id,
                community_id=community_id,
            )
        )


async def create_activity(
    session: AsyncSession, *, body: ActivityCreate, clock: Clock, coord_sys: CoordSys
) -> ActivityRead:
    _check_times(body.starts_at, body.ends_at, clock.now())
    await load(session, Community, body.community_id, CommunityNotFound, lock=False)
    await _check_facility(session, body.facility_id, body.community_id)
    activity = Activity(
        **body.model_dump(exclude={"category"}),
        category=body.category.value,
        registered=0,
        waitlisted=0,
        status="scheduled",
    )
    session.add(activity)
    await session.flush()
    row = await repository.GET.one_in(session, ActivityNotFound, id=activity.id)
    return ActivityRead.of(row, coord_sys)


CHANGES_TOLD = {"title", "starts_at", "ends_at", "place", "facility_id"}


async def update_activity(
    session: AsyncSession,
    *,
    activity_id: int,
    body: ActivityUpdate,
    clock: Clock,
    coord_sys: CoordSys,
) -> ActivityRead:
    activity = await load(session, Activity, activity_id, ActivityNotFound, lock=True)
    now = clock.now()
    if activity.starts_at <= now:
        # its registrations are who is in the room: seats, waitlist and status stay as they are
        started = activity.starts_at.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M")
        raise ActivityStarted(
            t(
                "Activity {activity_id} started at {started} (city time); a session under way or "
                "over cannot be changed.",
                activity_id=activity_id,
                started=started,
            )
        )
    changes: dict[str, Any] = body.changes()
    status = changes.pop("status", None)
    if status is not None:
        ACTIVITY.check(activity.status, status.value)
    if "starts_at" in changes or "ends_at" in changes:
        _check_times(
            changes.get("starts_at", activity.starts_at),
            changes.get("ends_at", activity.ends_at),
            now,
        )
    if "facility_id" in changes:
        await _check_facility(session, changes["facility_id"], activity.community_id)
    capacity = changes.get("capacity", activity.capacity)
    if capacity < activity.registered:
        raise CapacityBelowRegistered(
            t(
                "{registered} seats are taken; capacity cannot go below that.",
                registered=activity.registered,
            )
        )
    if changes.get("waitlist_capacity", activity.waitlist_capacity) < activity.waitlisted:
        raise WaitlistBelowWaiting(
            t(
                "{waitlisted} people are waiting; the waitlist cannot be shorter.",
                waitlisted=activity.waitlisted,
            )
        )
    for key, value in changes.items():
        setattr(activity, key, value.value if key == "category" else value)
    # one flush after every change: a flush expires `updated_at` (set by the database), and
    # the cancellation must not touch the row between two flushes
    if status is not None:
        await _cancel_everything(session, activity, now)
    else:
        await session.flush()
        if CHANGES_TOLD & changes.keys():  # what a participant plans around
            active = await registration_repository.active_registrations(session, activity.id)
            await notices.class_changed(session, activity, active, cancelled=False, now=now)
        if capacity > activity.registered:
            await seat_waiting(session, activity, capacity - activity.registered, now)
    row = await repository.GET.one_in(session, ActivityNotFound, id=activity.id)
    return ActivityRead.of(row, coord_sys)


async def _cancel_everything(session: AsyncSession, activity: Activity, now: datetime) -> None:
    ACTIVITY.transition(activity, "cancelled", now)
    active = await registration_repository.active_registrations(session, activity.id)
    for registration in active:
        REGISTRATION.transition(registration, "cancelled", now)
    await notices.class_changed(session, activity, active, cancelled=True, now=now)
    activity.registered = 0
    activity.waitlisted = 0
    await session.flush()
