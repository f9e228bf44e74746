"""`GET /childcare/v1/me/summary`: the childcare part of the citizen's one-page view (DESIGN §6;
the gateway's mirror is in gateway/clients/childcare.py) — one connection, no transaction."""

from __future__ import annotations

from common.auth import Principal
from common.clock import Clock
from common.read import Reader
from services.childcare.children import repository as child_repository
from services.childcare.children.schemas import ChildRead
from services.childcare.enrollments import repository
from services.childcare.enrollments.schemas import EnrollmentRead
from services.childcare.overview.schemas import MeSummary

SUMMARY_CHILDREN = 100
SUMMARY_ENROLLMENTS = 50


async def me_summary(reader: Reader, *, guardian: Principal, clock: Clock) -> MeSummary:
    today = clock.today()
    async with reader.connection() as conn:
        children = await child_repository.MINE.rows(
            conn, {"guardian": guardian.sub}, limit=SUMMARY_CHILDREN
        )
        enrollments = await repository.MINE.rows(
            conn, {"guardian": guardian.sub}, limit=SUMMARY_ENROLLMENTS
        )
    return MeSummary(
        children=[ChildRead.of(c, today) for c in children],
        enrollments=[EnrollmentRead.of(e) for e in enrollments],
    )
