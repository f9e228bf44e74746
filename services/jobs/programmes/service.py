"""Programme rules: the public catalogue and staff edits (rules the evaluator can answer, a
budget never below what approvals committed). Changes apply to future applications; an
application keeps the rules and facts it was judged on."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

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
    after = codec.decode(cursor, SCOPE) if cursor else None
    async with reader.connection() as conn:
        rows = await repository.list_programmes(
            conn, limit=limit + 1, after_id=int(after[0]) if after else 0
        )
    items = [ProgrammeRead.of(r) for r in rows[:limit]]
    next_cursor = codec.encode([items[-1].id], SCOPE) if len(rows) > limit else None
    return Page[ProgrammeRead](items=items, next_cursor=next_cursor)


async def get_programme(reader: Reader, *, programme_id: int) -> ProgrammeRead:
    async with reader.connection() as conn:
        row = await repository.get_programme(conn, programme_id)
    if row is None:
        raise ProgrammeNotFound(f"Programme {programme_id} does not exist.")
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
    return ProgrammeRead.of(await repository.programme_in_session(session, programme.id))


async def update_programme(
    session: AsyncSession, *, programme_id: int, body: ProgrammeUpdate
) -> ProgrammeRead:
    # the row lock makes a budget change and a concurrent approval take turns
    programme = await repository.get_programme_row(session, programme_id, lock=True)
    if programme is None:
        raise ProgrammeNotFound(f"Programme {programme_id} does not exist.")
    values = _values(body, body.changes())
    if values.get("budget_fen", programme.budget_fen) < programme.committed_fen:
        raise BudgetBelowCommitted(
            f"Approvals have committed {programme.committed_fen} fen; the budget cannot go "
            "below that."
        )
    for key, value in values.items():
        setattr(programme, key, value)
    await session.flush()
    return ProgrammeRead.of(await repository.programme_in_session(session, programme.id))
