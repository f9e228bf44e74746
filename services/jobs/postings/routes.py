"""Posting routes: public search and reads, staff create and update."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from common.clock import ClockDep
from common.db import SessionDep
from common.districts import District, LocationOutsideDistrict
from common.geo import CoordSys, CoordSysQuery
from common.geo_query import ConflictingCoordSys, OptionalCoordSysQuery, one_coord_sys
from common.idempotency import IdempotencyDep
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.search import search_param
from common.validation import Id
from services.jobs.deps import StaffDep
from services.jobs.postings import service
from services.jobs.postings.errors import InvalidExpiry, InvalidSalaryRange, PostingNotFound
from services.jobs.postings.repository import PostingFilter
from services.jobs.postings.schemas import (
    EducationLevel,
    PostingCategory,
    PostingCreate,
    PostingRead,
    PostingUpdate,
)

router = APIRouter(prefix="/jobs/v1", tags=["jobs"])
NOT_FOUND = problem_responses(PostingNotFound)
STAFF_WRITE = problem_responses(
    400,
    401,
    403,
    InvalidSalaryRange,
    InvalidExpiry,
    LocationOutsideDistrict,
    ConflictingCoordSys,
)


@router.get(
    "/postings",
    summary="Search open job postings, newest first",
    description="Expired and closed postings are not listed (one posting stays readable by id).",
    response_model=Page[PostingRead],
)
async def list_postings(
    reader: ReaderDep,
    clock: ClockDep,
    codec: CursorCodecDep,
    q: Annotated[
        str | None, search_param("the title (the name that ranks) or the employer")
    ] = None,
    district: District | None = None,
    category: PostingCategory | None = None,
    education: Annotated[
        EducationLevel | None,
        Query(description="Your education: postings asking for this level or less."),
    ] = None,
    min_salary_fen: Annotated[
        int | None,
        Query(ge=0, le=100_000_000, description="Postings that can pay at least this, fen/month."),
    ] = None,
    graduate_friendly: bool | None = None,
    coord_sys: CoordSysQuery = CoordSys.wgs84,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    filters = PostingFilter(
        now=clock.now(),
        q=q,
        district=district,
        category=category,
        education=tuple(education.and_below()) if education is not None else None,
        min_salary_fen=min_salary_fen,
        graduate_friendly=graduate_friendly,
    )
    page = await service.search_postings(
        reader, filters=filters, limit=limit, cursor=cursor, codec=codec, coord_sys=coord_sys
    )
    return model_response(page)


@router.get(
    "/postings/{posting_id}",
    summary="One job posting (expired ones too, with `open: false`)",
    response_model=PostingRead,
    responses=NOT_FOUND,
)
async def get_posting(
    posting_id: Id, reader: ReaderDep, clock: ClockDep, coord_sys: CoordSysQuery = CoordSys.wgs84
) -> Response:
    posting = await service.get_posting(
        reader, posting_id=posting_id, clock=clock, coord_sys=coord_sys
    )
    return model_response(posting)


@router.post(
    "/postings",
    status_code=201,
    summary="Publish a job posting (staff)",
    response_model=PostingRead,
    responses=STAFF_WRITE,
)
async def create_posting(
    body: PostingCreate,
    session: SessionDep,
    staff: StaffDep,
    idem: IdempotencyDep,
    clock: ClockDep,
    coord_sys: OptionalCoordSysQuery = None,
) -> Response:
    system = one_coord_sys(coord_sys, body.coord_sys)
    return await idem.run(
        staff.sub,
        lambda: service.create_posting(session, body=body, coord_sys=system, clock=clock),
    )


@router.patch(
    "/postings/{posting_id}",
    summary="Change or close a job posting (staff)",
    response_model=PostingRead,
    responses={**STAFF_WRITE, **NOT_FOUND},
)
async def update_posting(
    posting_id: Id,
    body: PostingUpdate,
    session: SessionDep,
    _: StaffDep,
    clock: ClockDep,
    coord_sys: OptionalCoordSysQuery = None,
) -> Response:
    updated = await service.update_posting(
        session,
        posting_id=posting_id,
        body=body,
        coord_sys=one_coord_sys(coord_sys, body.coord_sys),
        clock=clock,
    )
    return model_response(updated)
