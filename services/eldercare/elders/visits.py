"""Staff visits to elders, and the at-risk round: elders aged 80+ living alone, and elders of
失独 families (who lost their only child), longest unvisited first, flagged when a visit is
overdue. Every elder touched is written to the access audit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import Audited
from common.auth import Principal
from common.clock import CITY_TZ, Clock
from common.districts import District
from common.i18n import t
from common.pagination import CursorCodec, Page
from services.eldercare.config import Settings
from services.eldercare.elders import repository
from services.eldercare.elders.access import audit
from services.eldercare.elders.ages import age_years, born_on_or_before
from services.eldercare.elders.errors import ElderNotFound, MissedReasonMismatch, VisitInFuture
from services.eldercare.elders.repository import AtRiskFilter, AtRiskRow
from services.eldercare.elders.schemas import AtRiskElder, AtRiskReason, VisitCreate, VisitRead
from services.eldercare.models import Visit

ROUND_PURPOSE = "eldercare staff: special-group visit round"
# a phone's clock a little ahead of the server's is not a visit in the future
CLOCK_SKEW = timedelta(minutes=5)


async def log_visit(
    session: AsyncSession,
    *,
    staff: Principal,
    elder_id: int,
    body: VisitCreate,
    clock: Clock,
    request_id: str | None,
) -> VisitRead:
    now = clock.now()
    visited_at = body.visited_at or now
    if visited_at.tzinfo is None:  # a time without an offset is the city's time
        visited_at = visited_at.replace(tzinfo=CITY_TZ)
    if visited_at > now + CLOCK_SKEW:
        raise VisitInFuture(t("visited_at is in the future."))
    if (body.outcome == "missed") != (body.missed_reason is not None):
        raise MissedReasonMismatch(
            t("A missed visit has a missed_reason; a completed one has none.")
        )
    elder = await repository.lock(session, elder_id)
    if elder is None:
        raise ElderNotFound(id=elder_id)
    visit = Visit(
        elder_id=elder_id,
        visited_at=visited_at,
        visitor_sub=staff.sub,
        visitor_name=body.visitor_name,
        outcome=body.outcome.value,
        missed_reason=body.missed_reason.value if body.missed_reason else None,
        notes=body.notes,
    )
    session.add(visit)
    if body.outcome == "completed" and (
        elder.last_visited_at is None or visited_at > elder.last_visited_at
    ):
        elder.last_visited_at = visited_at  # a missed visit leaves the elder unseen
    await session.flush()
    await session.refresh(visit)
    await audit(
        session,
        staff,
        action="log_visit",
        resources=[f"elder/{elder_id}"],
        purpose=ROUND_PURPOSE,
        request_id=request_id,
    )
    return VisitRead.model_validate(visit, from_attributes=True)


def _days_since(last: datetime | None, now: datetime) -> int | None:
    return None if last is None else max(0, (now - last).days)


async def at_risk(
    audited: Audited,
    *,
    staff: Principal,
    community_id: int | None,
    district: str | None,
    overdue_only: bool,
    settings: Settings,
    clock: Clock,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
) -> Page[AtRiskElder]:
    now, today = clock.now(), clock.today()
    due_before = now - timedelta(days=settings.visit_interval_days)
    filters = AtRiskFilter(
        aged_born_by=born_on_or_before(today, settings.at_risk_age_years),
        community_id=community_id,
        district=district,
        due_before=due_before if overdue_only else None,
    )

    def shaped(r: AtRiskRow) -> AtRiskElder:
        age = age_years(r.birth_date, today)
        reasons = []
        if r.lives_alone and age >= settings.at_risk_age_years:
            reasons.append(AtRiskReason.aged_living_alone)
        if r.lost_only_child:
            reasons.append(AtRiskReason.lost_only_child)
        last = r.last_visited_at
        return AtRiskElder(
            elder_id=r.id,
            name=r.name,
            age_years=age,
            community_id=r.community_id,
            community_name=r.community_name,
            district=None if r.district is None else District(r.district),
            reasons=reasons,
            last_visited_at=last,
            days_since_visit=_days_since(last, now),
            overdue=last is None or last < due_before,
        )

    page = await repository.AT_RISK.page(
        await audited.connection(),
        filters,
        limit=limit,
        cursor=cursor,
        codec=codec,
        # the day and the moment move between pages; the cursor's position bounds them
        scope=f"at-risk:{community_id}:{district}:{overdue_only}",
        shape=shaped,
    )
    await audited.record(
        staff,
        action="read_at_risk",
        resources=[f"elder/{e.elder_id}" for e in page.items],
        purpose=ROUND_PURPOSE,
    )
    return page
