"""The cross-domain reads: the public statistics and the citizen's summary."""

from __future__ import annotations

from fastapi import APIRouter, Response

from common.auth import CitizenDep
from common.clock import ClockDep
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from services.eldercare.config import SettingsDep
from services.eldercare.overview import stats, summary
from services.eldercare.overview.stats_schemas import EldercareStats
from services.eldercare.overview.summary import MeSummary

router = APIRouter(prefix="/eldercare/v1")


@router.get(
    "/me/summary",
    summary="Your eldercare in one answer (for the citizen view)",
    description=(
        "The elders you are or act for, upcoming activities you or they are registered or "
        "waitlisted for, open care requests and open renovations."
    ),
    response_model=MeSummary,
    tags=["eldercare elders"],
    responses=problem_responses(401, 403),
    name="get_me_summary",
)
async def me_summary(reader: ReaderDep, citizen: CitizenDep, clock: ClockDep) -> Response:
    summary_ = await summary.me_summary(reader, principal=citizen, clock=clock)
    return model_response(summary_)


@router.get(
    "/stats",
    summary="By district: facilities by kind, 15-minute circle coverage, activities, care",
    description=(
        "`circle_coverage` is the share of communities whose circle (the walking model in "
        "`walking`) holds every kind in `essential_kinds`; `communities_with_gaps` names the "
        "others and what they lack. Live figures as of `as_of`."
    ),
    response_model=EldercareStats,
    tags=["eldercare facilities and the 15-minute circle"],
)
async def get_stats(reader: ReaderDep, settings: SettingsDep, clock: ClockDep) -> Response:
    return model_response(await stats.statistics(reader, settings=settings, clock=clock))
