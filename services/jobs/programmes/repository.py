"""Programme and application SQL. Reads are statements compiled once (`common.read`); writes go
through the request's session and only flush.

The budget is one conditional UPDATE of the programme row (`committed_fen + amount <=
budget_fen`, backed by a CHECK); a status move is one conditional UPDATE of the application row
(`WHERE status = <the status it was read in>`); paying is `WHERE status = 'approved' AND
disbursed_at IS NULL`. Locks are taken application first, programme second, everywhere."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg
from sqlalchemy import BigInteger, Integer, and_, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession

from common.read import Statement
from services.jobs.models import AWARDED_STATUSES, Application, Programme


def _count(*statuses: str) -> Any:
    return (
        select(func.count())
        .where(
            Application.programme_id == Programme.id,
            Application.status == any_(array(list(statuses))),
        )
        .scalar_subquery()
    )


PROGRAMME_COLUMNS = (
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
PROGRAMME_BY_ID = select(*PROGRAMME_COLUMNS).where(Programme.id == bindparam("id"))
GET_PROGRAMME = Statement(PROGRAMME_BY_ID)
LIST_PROGRAMMES = Statement(
    select(*PROGRAMME_COLUMNS)
    .where(Programme.id > bindparam("after_id", type_=BigInteger))
    .order_by(Programme.id)
    .limit(bindparam("limit", type_=Integer))
)
RULES = Statement(
    select(
        Programme.id,
        Programme.name,
        Programme.rules,
        Programme.award_kind,
        Programme.amount_fen,
    ).where(Programme.id == bindparam("id"))
)

APPLICATION_COLUMNS = (
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
)
_APPLICATIONS = select(*APPLICATION_COLUMNS).join(
    Programme, Programme.id == Application.programme_id
)
_MINE = _APPLICATIONS.where(Application.citizen_sub == bindparam("citizen"))
_NEWEST = (Application.id.desc(),)
_BEFORE = Application.id < bindparam("before_id", type_=BigInteger)
MINE = Statement(_MINE.where(_BEFORE).order_by(*_NEWEST).limit(bindparam("limit")))
GET_MINE = Statement(_MINE.where(Application.id == bindparam("id")))


async def list_programmes(
    conn: asyncpg.Connection, *, limit: int, after_id: int
) -> Sequence[asyncpg.Record]:
    return await LIST_PROGRAMMES.rows(conn, limit=limit, after_id=after_id)


async def get_programme(conn: asyncpg.Connection, programme_id: int) -> asyncpg.Record | None:
    return await GET_PROGRAMME.row(conn, id=programme_id)


async def programme_rules(conn: asyncpg.Connection, programme_id: int) -> asyncpg.Record | None:
    return await RULES.row(conn, id=programme_id)


async def list_mine(
    conn: asyncpg.Connection, citizen: str, *, limit: int, before_id: int | None
) -> Sequence[asyncpg.Record]:
    """The citizen's applications, newest first."""
    before = before_id if before_id is not None else 2**63 - 1
    return await MINE.rows(conn, citizen=citizen, limit=limit, before_id=before)


async def get_mine(
    conn: asyncpg.Connection, citizen: str, application_id: int
) -> asyncpg.Record | None:
    return await GET_MINE.row(conn, citizen=citizen, id=application_id)


# --- writes and staff reads (the request's session) ------------------------------------------


async def programme_in_session(session: AsyncSession, programme_id: int) -> Mapping[str, Any]:
    return dict((await session.execute(PROGRAMME_BY_ID, {"id": programme_id})).mappings().one())


async def get_programme_row(
    session: AsyncSession, programme_id: int, *, lock: bool = False
) -> Programme | None:
    stmt = select(Programme).where(Programme.id == programme_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


async def application_in_session(
    session: AsyncSession, application_id: int
) -> Mapping[str, Any] | None:
    stmt = _APPLICATIONS.where(Application.id == application_id)
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else dict(row)


async def list_all(
    session: AsyncSession,
    *,
    programme_id: int | None,
    status: str | None,
    limit: int,
    before_id: int | None,
) -> Sequence[Mapping[str, Any]]:
    """Every citizen's applications (staff), newest first."""
    stmt = _APPLICATIONS
    if programme_id is not None:
        stmt = stmt.where(Application.programme_id == programme_id)
    if status is not None:
        stmt = stmt.where(Application.status == status)
    if before_id is not None:
        stmt = stmt.where(Application.id < before_id)
    rows = await session.execute(stmt.order_by(*_NEWEST).limit(limit))
    return [dict(r) for r in rows.mappings()]


async def open_application(
    session: AsyncSession, programme_id: int, citizen: str
) -> tuple[int, str] | None:
    """The citizen's application to this programme that still counts (not rejected)."""
    row = (
        await session.execute(
            select(Application.id, Application.status).where(
                Application.programme_id == programme_id,
                Application.citizen_sub == citizen,
                Application.status != "rejected",
            )
        )
    ).first()
    return None if row is None else (row.id, row.status)


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
