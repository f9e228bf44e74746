"""Staff decisions on applications, through the one lifecycle table: approve within the
budget whatever the concurrency (one conditional UPDATE of the programme row), reject with a
reason, pay an approved application exactly once with a payment reference."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import Audited
from common.auth import Principal
from common.clock import CITY_TZ, Clock
from common.errors import Conflict
from common.i18n import t
from services.jobs.notifications import notices
from services.jobs.programmes import repository
from services.jobs.programmes.applications import PURPOSE, read_in_session
from services.jobs.programmes.errors import AlreadyDisbursed, ApplicationNotFound, BudgetExhausted
from services.jobs.programmes.lifecycle import APPLICATION, move_values
from services.jobs.programmes.schemas import ApplicationRead


def _check_move(status: str, reference: str | None, to: str) -> None:
    if status == "disbursed" and to == "disbursed":
        raise AlreadyDisbursed(t("This application was paid already."), payment_reference=reference)
    APPLICATION.check(status, to)


async def _move(
    session: AsyncSession,
    application_id: int,
    to: str,
    now: datetime,
    extra: dict[str, Any],
) -> tuple[int, int]:
    """One conditional UPDATE from the status the application was read in to `to`; returns
    (programme_id, amount_fen). A concurrent move that won first makes this one the
    lifecycle's 409 (or `already_disbursed`)."""
    found = await repository.status_of(session, application_id)
    if found is None:
        raise ApplicationNotFound(id=application_id)
    status, reference = found
    _check_move(status, reference, to)
    values = {**move_values(status, to, now), **extra}
    moved = await repository.move(
        session, application_id, expected=status, values=values, unpaid=to == "disbursed"
    )
    if moved is not None:
        return moved
    # the UPDATE waited for the request that moved it first: judge on what it is now
    now_found = await repository.status_of(session, application_id)
    assert now_found is not None
    _check_move(*now_found, to)
    raise Conflict(t("The application changed meanwhile; retry."), code="retry")


async def approve(
    audited: Audited, *, staff: Principal, application_id: int, note: str | None, clock: Clock
) -> ApplicationRead:
    session, now = audited.session, clock.now()
    programme_id, amount = await _move(
        session, application_id, "approved", now, {"decided_by": staff.sub, "decision_note": note}
    )
    if not await repository.commit_budget(session, programme_id, amount):
        # the unit of work rolls the status move back: the application stays pending
        raise BudgetExhausted(
            t("Approving {amount} fen would pass the programme's budget.", amount=amount),
            amount_fen=amount,
        )
    await _audit(audited, staff, "approve_application", application_id)
    return await _told(session, application_id, now)


async def reject(
    audited: Audited, *, staff: Principal, application_id: int, reason: str, clock: Clock
) -> ApplicationRead:
    session, now = audited.session, clock.now()
    await _move(
        session, application_id, "rejected", now, {"decided_by": staff.sub, "decision_note": reason}
    )
    await _audit(audited, staff, "reject_application", application_id)
    return await _told(session, application_id, now)


async def _told(session: AsyncSession, application_id: int, now: datetime) -> ApplicationRead:
    """The application as answered, its applicant's notice written in the same transaction."""
    read = await read_in_session(session, application_id)
    await notices.application_decided(session, read, now=now)
    return read


async def _audit(audited: Audited, staff: Principal, action: str, application_id: int) -> None:
    resources = [f"application/{application_id}"]
    await audited.record(staff, action=action, resources=resources, purpose=PURPOSE)


def payment_reference(application_id: int, now: datetime) -> str:
    """One reference per application (it is paid once): the city's date and the id."""
    return f"HHJY-{now.astimezone(CITY_TZ):%Y%m%d}-{application_id:010d}"


async def disburse(
    audited: Audited, *, staff: Principal, application_id: int, clock: Clock
) -> ApplicationRead:
    session, now = audited.session, clock.now()
    reference = payment_reference(application_id, now)
    programme_id, amount = await _move(
        session, application_id, "disbursed", now, {"payment_reference": reference}
    )
    await repository.record_disbursement(session, programme_id, amount)
    await _audit(audited, staff, "disburse_application", application_id)
    return await _told(session, application_id, now)
