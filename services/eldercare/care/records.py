"""Reading and changing one elder's records (care requests, renovations) the same way: the
elder and linked family on the read path; staff through the session, every record they read
or change written to the access audit; anyone else `404`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import NotFound
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.eldercare.care.repository import Reads, StaffFilter, lock
from services.eldercare.elders import repository as elder_repository
from services.eldercare.elders.access import audit, is_staff, relation_or_audit
from services.eldercare.elders.errors import ElderNotFound


@dataclass(frozen=True)
class Kind:
    reads: Reads
    resource: str  # e.g. `care_request`: audit rows name `care_request/12`
    noun: str
    not_found: type[NotFound]
    purpose: str

    def missing(self, record_id: int) -> NotFound:
        return self.not_found(f"{self.noun} {record_id} does not exist.")


async def get_record(
    reader: Reader,
    session: AsyncSession,
    kind: Kind,
    *,
    principal: Principal,
    record_id: int,
    request_id: str | None,
) -> tuple[Mapping[str, Any], bool]:
    """The record and whether it was read as staff (then audited)."""
    async with reader.connection() as conn:
        mine = await elder_repository.visible(conn, principal.sub)
        row = await kind.reads.one_of_mine(conn, list(mine), record_id)
    if row is not None:
        return dict(row), False
    found = await kind.reads.in_session(session, record_id)
    if found is None or not is_staff(principal):
        raise kind.missing(record_id)
    await audit(
        session,
        principal,
        action=f"read_{kind.resource}",
        resources=[f"{kind.resource}/{record_id}"],
        purpose=kind.purpose,
        request_id=request_id,
    )
    return found, True


R = TypeVar("R")


async def page(
    reader: Reader,
    session: AsyncSession,
    kind: Kind,
    shape: Callable[[Mapping[str, Any]], R],
    *,
    principal: Principal,
    filters: StaffFilter,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
    request_id: str | None,
) -> Page[R]:
    """Newest first: the caller's elders' records (every one: a family has few), or for staff
    every record matching `filters` (each one shown audited)."""
    staff = is_staff(principal)
    scope = f"{kind.resource}:{staff}:{filters!r}"
    before = codec.decode(cursor, scope) if cursor else None
    before_id = int(before[0]) if before else None
    if staff:
        rows: list[Mapping[str, Any]] = list(
            await kind.reads.staff_page(session, filters, limit=limit + 1, before_id=before_id)
        )
        await audit(
            session,
            principal,
            action=f"read_{kind.resource}",
            resources=[f"{kind.resource}/{r['id']}" for r in rows[:limit]],
            purpose=kind.purpose,
            request_id=request_id,
        )
    else:
        async with reader.connection() as conn:
            mine = await elder_repository.visible(conn, principal.sub)
            found = await kind.reads.mine(conn, list(mine), limit=limit + 1, before_id=before_id)
            rows = [dict(r) for r in found]
    next_cursor = codec.encode([rows[limit - 1]["id"]], scope) if len(rows) > limit else None
    return Page[R](items=[shape(r) for r in rows[:limit]], next_cursor=next_cursor)


async def lock_for_change(
    session: AsyncSession,
    kind: Kind,
    *,
    principal: Principal,
    record_id: int,
    action: str,
    request_id: str | None,
) -> tuple[Any, str | None]:
    """The record, row-locked, and the caller's relation to its elder (None: staff, audited)."""
    record = await lock(session, kind.reads.model, record_id)
    if record is None:
        raise kind.missing(record_id)
    relation = await relation_or_audit(
        session,
        principal,
        record.elder_id,
        action=action,
        resource=f"{kind.resource}/{record_id}",
        purpose=kind.purpose,
        request_id=request_id,
        missing=kind.missing(record_id),
    )
    return record, relation


async def elder_for_new_record(
    session: AsyncSession,
    kind: Kind,
    *,
    principal: Principal,
    elder_id: int,
    request_id: str | None,
) -> str | None:
    """Who may ask for care or a retrofit for an elder: the elder, linked family, staff."""
    missing = ElderNotFound(f"Elder {elder_id} does not exist.")
    if not await elder_repository.exists_in_session(session, elder_id):
        raise missing
    return await relation_or_audit(
        session,
        principal,
        elder_id,
        action=f"create_{kind.resource}",
        resource=f"elder/{elder_id}",
        purpose=kind.purpose,
        request_id=request_id,
        missing=missing,
    )
