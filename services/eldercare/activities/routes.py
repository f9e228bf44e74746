"""Activity routes: the public list, staff scheduling, a citizen's registrations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response

from common.clock import CITY_TZ, ClockDep
from common.db import SessionDep
from common.districts import District
from common.geo import CoordSys, CoordSysQuery
from common.idempotency import IdempotencyDep
from common.lifecycle import IllegalTransition
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.search import search_param
from common.times import CityDateTime
from common.validation import MAX_ID, Id
from services.eldercare.activities import reads, service
from services.eldercare.activities.errors import (
    ActivityNotFound,
    ActivityStarted,
    CapacityBelowRegistered,
    FacilityNotInCommunity,
    InvalidTimeRange,
    StartsInPast,
    WaitlistBelowWaiting,
)
from services.eldercare.activities.repository import ActivityFilter
from services.eldercare.activities.schemas import (
    ActivityCategory,
    ActivityCreate,
    ActivityRead,
    ActivityUpdate,
)
from services.eldercare.deps import StaffDep
from services.eldercare.facilities.errors import CommunityNotFound

router = APIRouter(prefix="/eldercare/v1", tags=["eldercare activities and classes"])
STAFF_WRITE = (400, 401, 403, InvalidTimeRange, StartsInPast, FacilityNotInCommunity)


def _aware(moment: datetime) -> datetime:
    """A time without an offset is the city's time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CITY_TZ)


@router.get(
    "/activities",
    summary="Activities and classes in time order (upcoming by default)",
    description=(
        "Sessions starting at or after `from` (default: now), before `until` if given; by "
        "`category`, `community_id`, `district` or `q` (then ranked by title); cancelled ones "
        "only with `include_cancelled=true`. Times are in the city's time (+08:00)."
    ),
    response_model=Page[ActivityRead],
)
async def list_activities(
    reader: ReaderDep,
    codec: CursorCodecDep,
    clock: ClockDep,
    starts_from: Annotated[CityDateTime | None, Query(alias="from")] = None,
    until: CityDateTime | None = None,
    category: ActivityCategory | None = None,
    community_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    district: District | None = None,
    include_cancelled: bool = False,
    q: Annotated[str | None, search_param("the title")] = None,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    filters = ActivityFilter(
        starts_from=_aware(starts_from) if starts_from else clock.now(),
        until=_aware(until) if until else None,
        category=category,
        community_id=community_id,
        district=district,
        include_cancelled=include_cancelled,
        q=q,
    )
    page = await reads.search_activities(
        reader, filters=filters, coord_sys=coord_sys, limit=limit, cursor=cursor, codec=codec
    )
    return model_response(page)


@router.get(
    "/activities/{activity_id}",
    summary="One activity with its seats and waitlist",
    response_model=ActivityRead,
    responses=problem_responses(ActivityNotFound),
)
async def get_activity(
    activity_id: Id, reader: ReaderDep, coord_sys: CoordSysQuery = CoordSys.wgs84
) -> Response:
    return model_response(
        await reads.get_activity(reader, activity_id=activity_id, coord_sys=coord_sys)
    )


@router.post(
    "/activities",
    status_code=201,
    summary="Schedule an activity or class session (staff)",
    response_model=ActivityRead,
    responses=problem_responses(*STAFF_WRITE, CommunityNotFound),
)
async def create_activity(
    body: ActivityCreate,
    session: SessionDep,
    staff: StaffDep,
    idem: IdempotencyDep,
    clock: ClockDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> Response:
    return await idem.run(
        staff.sub,
        lambda: service.create_activity(session, body=body, clock=clock, coord_sys=coord_sys),
    )


@router.patch(
    "/activities/{activity_id}",
    summary="Change or cancel an activity (staff); more seats go to the waitlist at once",
    response_model=ActivityRead,
    responses=problem_responses(
        *STAFF_WRITE,
        ActivityNotFound,
        ActivityStarted,
        CapacityBelowRegistered,
        WaitlistBelowWaiting,
        IllegalTransition,
    ),
)
async def update_activity(
    activity_id: Id,
    body: ActivityUpdate,
    session: SessionDep,
    _: StaffDep,
    clock: ClockDep,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
) -> Response:
    updated = await service.update_activity(
        session, activity_id=activity_id, body=body, clock=clock, coord_sys=coord_sys
    )
    return model_response(updated)
