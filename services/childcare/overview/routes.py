"""The cross-domain reads: the public statistics and the citizen's summary."""

from __future__ import annotations

from fastapi import APIRouter, Response

from common.auth import CitizenDep
from common.clock import ClockDep
from common.read import ReaderDep
from common.responses import model_response
from services.childcare.overview import stats, summary
from services.childcare.overview.schemas import ChildcareStats, MeSummary

router = APIRouter(prefix="/childcare/v1")


@router.get(
    "/me/summary",
    summary="Your children and enrollments (for the citizen view)",
    response_model=MeSummary,
    tags=["childcare"],
    name="get_me_summary",
)
async def me_summary(reader: ReaderDep, guardian: CitizenDep, clock: ClockDep) -> Response:
    answer = await summary.me_summary(reader, guardian=guardian, clock=clock)
    return model_response(answer)


@router.get(
    "/stats",
    summary="Institutions and slots by kind and district, per 1,000 residents",
    response_model=ChildcareStats,
    tags=["childcare statistics and plans"],
)
async def get_stats(reader: ReaderDep) -> Response:
    return model_response(await stats.statistics(reader))
