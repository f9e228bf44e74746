"""`GET /jobs/v1/me/summary`: the citizen's graduate registration, applications and fair
registrations, newest first — one connection, no transaction."""

from __future__ import annotations

from common.auth import Principal
from common.read import Reader
from services.jobs.fairs import repository as fairs
from services.jobs.fairs.schemas import FairRegistrationRead
from services.jobs.graduates import repository as graduates
from services.jobs.graduates.schemas import GraduateRead
from services.jobs.overview.schemas import MeSummary
from services.jobs.programmes import repository as programmes
from services.jobs.programmes.schemas import ApplicationSummary

SUMMARY_ITEMS = 50


async def me_summary(reader: Reader, *, citizen: Principal) -> MeSummary:
    async with reader.connection() as conn:
        graduate = await graduates.GET_MINE.row(conn, citizen=citizen.sub)
        applications = await programmes.MINE.rows(
            conn, {"citizen": citizen.sub}, limit=SUMMARY_ITEMS
        )
        registrations = await fairs.MINE.rows(conn, {"citizen": citizen.sub}, limit=SUMMARY_ITEMS)
    return MeSummary(
        graduate=None if graduate is None else GraduateRead.of(graduate),
        applications=[ApplicationSummary.of(a) for a in applications],
        fair_registrations=[FairRegistrationRead.of(r) for r in registrations],
    )
