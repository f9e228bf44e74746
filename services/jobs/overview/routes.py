"""Statistics (public) and the citizen's summary."""

from __future__ import annotations

from fastapi import APIRouter, Response

from common.auth import CitizenDep
from common.clock import ClockDep
from common.read import ReaderDep
from common.responses import model_response
from services.jobs.overview import stats, summary
from services.jobs.overview.schemas import JobsStats, MeSummary

router = APIRouter(prefix="/jobs/v1", tags=["jobs"])


@router.get(
    "/stats",
    summary="By district: postings, fairs, stations, check-ins, graduates, awards",
    response_model=JobsStats,
)
async def get_stats(reader: ReaderDep, clock: ClockDep) -> Response:
    return model_response(await stats.statistics(reader, clock=clock))


@router.get(
    "/me/summary",
    summary="Your graduate registration, applications and fair registrations (citizen view)",
    response_model=MeSummary,
    name="get_me_summary",
)
async def me_summary(reader: ReaderDep, citizen: CitizenDep) -> Response:
    return model_response(await summary.me_summary(reader, citizen=citizen))
