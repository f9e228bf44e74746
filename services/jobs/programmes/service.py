"""Programme rules: the public catalogue and staff edits (rules the evaluator can answer, a
budget never below what approvals committed). Changes apply to future applications; an
application keeps the rules and facts it was judged on."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.db import load
from common.i18n import t
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.jobs.models import Programme
from services.jobs.programmes import repository
from services.jobs.programmes.errors import BudgetBelowCommitted, ProgrammeNotFound
from services.jobs.programmes.rules import check_rules
from services.jobs.programmes.schemas import ProgrammeCreate, ProgrammeRead, ProgrammeUpdate

SCOPE = "programmes"


async def list_programmes(
    reader: Reader, *, limit: int, cursor: str | None, codec: CursorCodec
) -> Page[ProgrammeRead]:
    async with reader.connection() as conn:
        return await repository.ALL_PROGRAMMES.page(
            conn, {}, limit=limit, cursor=cursor, codec=codec, scope=SCOPE, shape=ProgrammeRead.of
        )


async def get_programme(reader: Reader, *, programme_id: int) -> ProgrammeRead:
    return ProgrammeRead.of(
        await reader.one(repository.GET_PROGRAMME, ProgrammeNotFound, id=programme_id)
    )


async def _answer(session: AsyncSession, programme_id: int) -> ProgrammeRead:
    """The programme as a read shows it, inside the writing transaction."""
    row = await repository.GET_PROGRAMME.one_in(session, ProgrammeNotFound, id=programme_id)
    return ProgrammeRead.of(row)


def _values(body: ProgrammeCreate | ProgrammeUpdate, changes: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in changes.items() if k != "rules"}
    if body.rules is not None and "rules" in changes:
        check_rules(body.rules)
        values["rules"] = [r.model_dump(mode="json") for r in body.rules]
    for key in ("kind", "award_kind"):
        if values.get(key) is not None:
            values[key] = values[key].value
    return values


async def create_programme(session: AsyncSession, *, body: ProgrammeCreate) -> ProgrammeRead:
    programme = Programme(**_values(body, body.model_dump()), committed_fen=0, disbursed_fen=0)
    session.add(programme)
    await session.flush()
    return await _answer(session, programme.id)


async def update_programme(
    session: AsyncSession, *, programme_id: int, body: ProgrammeUpdate
) -> ProgrammeRead:
    # the row lock makes a budget change and a concurrent approval take turns
    programme = await load(session, Programme, programme_id, ProgrammeNotFound, lock=True)
    values = _values(body, body.changes())
    if values.get("budget_fen", programme.budget_fen) < programme.committed_fen:
        raise BudgetBelowCommitted(
            t(
                "Approvals have committed {committed_fen} fen; the budget cannot go below that.",
                committed_fen=programme.committed_fen,
            )
        )
    for key, value in values.items():
        setattr(programme, key, value)
    return await _answer(session, programme.id)
