"""The access audit as admins read it: who read or changed which personal record, when, why."""

from __future__ import annotations

from types import SimpleNamespace

from common.audit import AccessRecord
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.eldercare.elders import repository
from services.eldercare.elders.repository import AuditFilter


async def audit_page(
    reader: Reader, *, filters: AuditFilter, limit: int, cursor: str | None, codec: CursorCodec
) -> Page[AccessRecord]:
    scope = f"audit:{filters!r}"
    before = codec.decode(cursor, scope) if cursor else None
    async with reader.connection() as conn:
        rows = await repository.audit_page(
            conn, filters, limit=limit + 1, before_id=int(before[0]) if before else None
        )
    # AccessRecord.of reads attributes; a driver record is a mapping
    items = [AccessRecord.of(SimpleNamespace(**dict(r))) for r in rows[:limit]]
    next_cursor = codec.encode([items[-1].id], scope) if len(rows) > limit else None
    return Page[AccessRecord](items=items, next_cursor=next_cursor)
