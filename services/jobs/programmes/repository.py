"""Programme and application SQL: typed rows, one statement per read, the lists as `Listing`s;
writes go through the request's session and only flush.

The budget is one conditional UPDATE of the programme row (`committed_fen + amount <=
budget_fen`, backed by a CHECK); a status move is one conditional UPDATE of the application row
(`WHERE status = <the status it was read in>`); paying is `WHERE status = 'approved' AND
disbursed_at IS NULL`. Locks are taken application first, programme second, everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession

from common.listing import Bound, Keyset, Listing
from common.read import Statement
from services.jobs.models import Application, Programme
from services.jobs.values import AWARDED_STATUSES, CLOSED_STATUSES


def _count(*statuses: str) -> Any:
    return (
        select(func.count())
        .where(
            Application.programme_id == Programme.id,
            Application.status == any_(array(list(statuses))),
        )
        .scalar_subquery()
    )


@dataclass(frozen=True, slots=True)
class ProgrammeRow:
    id: int
    name: str
    name_en: str | None
    kind: str
    description: str | None
    award_kind: str
    amount_fen: int
    budget_fen: int
    committed_fen: int
    disbursed_fen: int
    allows_multiple: bool
    active: bool
    rules: str  # jsonb, as text on the driver
    pending: int
    awards: int
    disbursements: int


@dataclass(frozen=True, slots=True)
class RulesRow:
    """What judging an application needs of its programme."""

    id: int
    name: str
    rules: Any  # jsonb: text on the driver, a list through the ORM
    award_kind: str
    amount_fen: int


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    id: int
    programme_id: int
    programme_name: str
    citizen_sub: str
    status: str
    amount_fen: int
    district: str | None
    facts: str  # jsonb, as text on the driver
    rule_results: str
    applied_at: datetime
    status_changed_at: datetime
    decided_at: datetime | None
    decision_note: str | None
    disbursed_at: datetime | None
    payment_reference: str | None


PROGRAMMES = select(
    Programme.id,
    Programme.name,
    Programme.name_en,
    Programme.kind,
    Programme.description,
    Programme.award_kind,
    Programme.amount_fen,
    Programme.budget_fen,
    Programme.committed_fen,
    Programme.disbursed_fen,
    Programme.allows_multiple,
    Programme.active,
    Programme.rules,
    _count("pending").label("pending"),
    _count(*AWARDED_STATUSES).label("awards"),
    _count("disbursed").label("disbursements"),
)
GET_PROGRAMME = Statement(PROGRAMMES.where(Programme.id == bindparam("id")), ProgrammeRow)
ALL_PROGRAMMES = Listing(PROGRAMMES, ProgrammeRow, order=Keyset((Programme.id,)))
RULES = Statement(
    select(
        Programme.id,
        Programme.name,
        Programme.rules,
        Programme.award_kind,
        Programme.amount_fen,
    ).where(Programme.id == bindparam("id")),
    RulesRow,
)

APPLICATIONS = select(
    Application.id,
    Application.programme_id,
    Programme.name.label("programme_name"),
    Application.citizen_sub,
    Application.status,
    Application.amount_fen,
    Application.district,
    Application.facts,
    Application.rule_results,
    Application.applied_at,
    Application.status_changed_at,
    Application.decided_at,
    Application.decision_note,
    Application.disbursed_at,
    Application.payment_reference,
).join(Programme, Programme.id == Application.programme_id)
GET_APPLICATION = Statement(APPLICATIONS.where(Application.id == bindparam("id")), ApplicationRow)
GET_MINE = Statement(
    APPLICATIONS.where(
        Application.citizen_sub == bindparam("citizen"), Application.id == bindparam("id")
    ),
    ApplicationRow,
)
_NEWEST = Keyset((Application.id,), descending=True)
# a citizen's applications, newest first
MINE = Listing(
    APPLICATIONS,
    ApplicationRow,
    filters={"citizen": Bound(lambda p: Application.citizen_sub == p)},
    order=_NEWEST,
)
# every citizen's (staff, audited), newest first
ALL_APPLICATIONS = Listing(
    APPLICATIONS,
    ApplicationRow,
    filters={
        "programme_id": Bound(lambda p: Application.programme_id == p),
        "status": Bound(lambda p: Application.status == p),
    },
    order=_NEWEST,
)


# --- writes (the request's session) ----------------------------------------------------------


async def open_application(
    session: AsyncSession, programme_id: int, citizen: str
) -> tuple[int, str] | None:
    """The citizen's application to this programme that still counts (not rejected or
    withdrawn)."""
    row = (
        await session.execute(
            select(Application.id, Application.status).where(
                Application.programme_id == programme_id,
                Application.citizen_sub == citizen,
                Application.status.not_in(CLOSED_STATUSES),
            )
        )
    ).first()
    return None if row is None else (row.id, row.status)


async def status_if_mine(session: AsyncSession, application_id: int, citizen: str) -> str | None:
    """The status of the citizen's own application (None: not theirs, or not there)."""
    status: str | None = await session.scalar(
        select(Application.status).where(
            Application.id == application_id, Application.citizen_sub == citizen
        )
    )
    return status


async def status_of(session: AsyncSession, application_id: int) -> tuple[str, str | None] | None:
    row = (
        await session.execute(
            select(Application.status, Application.payment_reference).where(
                Application.id == application_id
            )
        )
    ).first()
    return None if row is None else (row.status, row.payment_reference)


async def move(
    session: AsyncSession,
    application_id: int,
    *,
    expected: str,
    values: dict[str, Any],
    unpaid: bool = False,
) -> tuple[int, int] | None:
    """Moves the application only if it is still in `expected` (and, paying, not paid):
    returns (programme_id, amount_fen), or None when another request moved it first."""
    where = and_(Application.id == application_id, Application.status == expected)
    if unpaid:
        where = and_(where, Application.disbursed_at.is_(None))
    row = (
        await session.execute(
            update(Application)
            .where(where)
            .values(**values)
            .returning(Application.programme_id, Application.amount_fen)
            .execution_options(synchronize_session=False)
        )
    ).first()
    return None if row is None else (row.programme_id, row.amount_fen)


async def commit_budget(session: AsyncSession, programme_id: int, amount_fen: int) -> bool:
    """Commits `amount_fen` of the budget only while it fits; concurrent approvals queue on
    the programme row and each re-checks the condition."""
    done = await session.scalar(
        update(Programme)
        .where(
            Programme.id == programme_id,
            Programme.committed_fen + amount_fen <= Programme.budget_fen,
        )
        .values(committed_fen=Programme.committed_fen + amount_fen)
        .returning(Programme.id)
        .execution_options(synchronize_session=False)
    )
    return done is not None


async def record_disbursement(session: AsyncSession, programme_id: int, amount_fen: int) -> None:
    await session.execute(
        update(Programme)
        .where(Programme.id == programme_id)
        .values(disbursed_fen=Programme.disbursed_fen + amount_fen)
        .execution_options(synchronize_session=False)
    )
