"""Applications: apply (judged rule by rule; nothing stored unless eligible), the citizen's own
and the staff's view (audited). Staff decisions are in `decisions.py`."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import Audited
from common.auth import Principal
from common.clock import Clock
from common.db import insert_unless_taken, load
from common.i18n import t
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.jobs.graduates import repository as graduate_repository
from services.jobs.models import Application, Programme
from services.jobs.programmes import repository
from services.jobs.programmes.eligibility import judge
from services.jobs.programmes.errors import (
    AlreadyApplied,
    AlreadyAwarded,
    AmountNotAllowed,
    AmountRequired,
    ApplicationNotFound,
    ApplicationNotPending,
    FactsMissing,
    NotEligible,
    ProgrammeClosed,
    ProgrammeNotFound,
)
from services.jobs.programmes.lifecycle import move_values
from services.jobs.programmes.repository import RulesRow
from services.jobs.programmes.rules import Outcome, RuleStatus
from services.jobs.programmes.schemas import (
    ApplicationCreate,
    ApplicationRead,
    AwardKind,
    Eligibility,
)
from services.jobs.values import AWARDED_STATUSES, ApplicationStatus

SCOPE = "applications"


def _amount(programme: Programme, requested: int | None) -> int:
    if programme.award_kind == AwardKind.fixed:
        if requested is not None and requested != programme.amount_fen:
            raise AmountNotAllowed(
                t(
                    "This programme awards a fixed {amount_fen} fen; leave requested_amount_fen "
                    "out.",
                    amount_fen=programme.amount_fen,
                )
            )
        return programme.amount_fen
    if requested is None:
        raise AmountRequired(t("Say how much you ask for in requested_amount_fen."))
    if requested > programme.amount_fen:
        raise AmountNotAllowed(
            t(
                "The most this programme gives is {amount_fen} fen; you asked for {requested}.",
                amount_fen=programme.amount_fen,
                requested=requested,
            )
        )
    return requested


def _view(programme: Programme) -> RulesRow:
    return RulesRow(
        id=programme.id,
        name=programme.name,
        rules=programme.rules,
        award_kind=programme.award_kind,
        amount_fen=programme.amount_fen,
    )


def _refuse(answer: Eligibility) -> None:
    """`422 not_eligible` naming the failing rules in plain words, or `422 facts_missing`."""
    rules = [r.model_dump(mode="json") for r in answer.rules]
    if answer.outcome is Outcome.not_eligible:
        failing = [r for r in answer.rules if r.result is RuleStatus.not_met]
        words = t("; ").join(r.reason.text() for r in failing)
        raise NotEligible(
            t(
                "Not eligible for {programme_name}: {words}.",
                programme_name=answer.programme_name,
                words=words,
            ),
            rules=rules,
            failing=[r.rule_id for r in failing],
        )
    if answer.outcome is Outcome.needs_info:
        missing = [f.value for f in answer.missing_facts]
        raise FactsMissing(
            t("Some rules need facts you did not give: {items}.", items=", ".join(missing)),
            rules=rules,
            missing_facts=missing,
        )


async def apply(
    session: AsyncSession,
    *,
    citizen: Principal,
    body: ApplicationCreate,
    clock: Clock,
) -> ApplicationRead:
    today, now = clock.today(), clock.now()
    programme = await load(session, Programme, body.programme_id, ProgrammeNotFound, lock=False)
    if not programme.active:
        raise ProgrammeClosed(
            t("{programme_name} is not accepting applications.", programme_name=programme.name)
        )
    record = await graduate_repository.GET_MINE.row_in(session, citizen=citizen.sub)
    answer, facts = judge(
        _view(programme), body.facts, None if record is None else asdict(record), today
    )
    _refuse(answer)
    amount = _amount(programme, body.requested_amount_fen)
    if not programme.allows_multiple:
        held = await repository.open_application(session, programme.id, citizen.sub)
        if held is not None:
            _already(*held)
    application = await insert_unless_taken(
        session,
        Application(
            programme_id=programme.id,
            citizen_sub=citizen.sub,
            status="pending",
            amount_fen=amount,
            district=facts.district.value if facts.district else None,
            facts=facts.model_dump(mode="json", exclude_none=True),
            rule_results=[r.model_dump(mode="json") for r in answer.rules],
            single_award=not programme.allows_multiple,
            applied_at=now,
            status_changed_at=now,
        ),
    )
    if application is None:  # two applications at once: the partial UNIQUE index decides
        raise AlreadyApplied(t("You already have an application to this programme."))
    return await read_in_session(session, application.id)


def _already(application_id: int, status: str) -> None:
    if status in AWARDED_STATUSES:
        raise AlreadyAwarded(
            t("You already received this programme's award."), application_id=application_id
        )
    raise AlreadyApplied(
        t("You already have an application to this programme."), application_id=application_id
    )


async def withdraw(
    session: AsyncSession, *, citizen: Principal, application_id: int, clock: Clock
) -> ApplicationRead:
    """The citizen withdraws their own application while it is undecided (`pending`); one
    conditional UPDATE, so a staff decision at the same moment and the withdrawal cannot both
    win. A withdrawn application no longer counts: the citizen may apply again."""
    status = await repository.status_if_mine(session, application_id, citizen.sub)
    if status is None:
        raise ApplicationNotFound(id=application_id)
    if status == ApplicationStatus.pending:
        values = move_values(status, ApplicationStatus.withdrawn, clock.now())
        if await repository.move(session, application_id, expected=status, values=values):
            return await read_in_session(session, application_id)
        # a decision landed first: say what the application is now
        status = await repository.status_if_mine(session, application_id, citizen.sub)
    raise ApplicationNotPending(id=application_id, application_status=status)


async def read_in_session(session: AsyncSession, application_id: int) -> ApplicationRead:
    """The application as a read shows it, inside the writing transaction."""
    row = await repository.GET_APPLICATION.one_in(session, ApplicationNotFound, id=application_id)
    return ApplicationRead.of(row)


# --- reads ----------------------------------------------------------------------------------

PURPOSE = "support programme administration"


async def list_mine(
    reader: Reader, *, citizen: Principal, limit: int, cursor: str | None, codec: CursorCodec
) -> Page[ApplicationRead]:
    async with reader.connection() as conn:
        return await repository.MINE.page(
            conn,
            {"citizen": citizen.sub},
            limit=limit,
            cursor=cursor,
            codec=codec,
            scope=SCOPE,
            shape=ApplicationRead.of,
        )


async def get_mine(reader: Reader, *, citizen: Principal, application_id: int) -> ApplicationRead:
    row = await reader.one(
        repository.GET_MINE, ApplicationNotFound, citizen=citizen.sub, id=application_id
    )
    return ApplicationRead.of(row)


async def list_all(
    audited: Audited,
    *,
    staff: Principal,
    programme_id: int | None,
    status: str | None,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
) -> Page[ApplicationRead]:
    page = await repository.ALL_APPLICATIONS.page(
        await audited.connection(),
        {"programme_id": programme_id, "status": status},
        limit=limit,
        cursor=cursor,
        codec=codec,
        scope=f"{SCOPE}:staff:{programme_id}:{status}",
        shape=ApplicationRead.of,
    )
    seen = [f"application/{a.id}" for a in page.items]
    await audited.record(staff, action="list_applications", resources=seen, purpose=PURPOSE)
    return page


async def get_any(audited: Audited, *, staff: Principal, application_id: int) -> ApplicationRead:
    row = await repository.GET_APPLICATION.one(
        await audited.connection(), ApplicationNotFound, id=application_id
    )
    await audited.record(
        staff,
        action="read_application",
        resources=[f"application/{application_id}"],
        purpose=PURPOSE,
    )
    return ApplicationRead.of(row)
