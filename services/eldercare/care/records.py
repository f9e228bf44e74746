"""Reading and changing one elder's records (care requests, renovations) the same way: the
elder and linked family on the read path; staff on the audit's own transaction, every record
they read or change written to the access audit; anyone else `404`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import Audited
from common.auth import Principal
from common.errors import NotFound
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.eldercare.care.repository import Reads, StaffFilter, lock
from services.eldercare.elders import repository as elder_repository
from services.eldercare.elders.access import is_staff, relation_or_audit
from services.eldercare.elders.errors import ElderNotFound


class Record(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=Record)
T = TypeVar("T")


@dataclass(frozen=True)
class Kind(Generic[R]):
    reads: Reads[R]
    resource: str  # e.g. `care_request`: audit rows name `care_request/12`
    not_found: type[NotFound]
    purpose: str


async def get_record(
    reader: Reader, audited: Audited, kind: Kind[R], *, principal: Principal, record_id: int
) -> tuple[R, bool]:
    """The record and whether it was read as staff (then audited)."""
    async with reader.connection() as conn:
        mine = await elder_repository.visible(conn, principal.sub)
        row = await kind.reads.get_mine.row(conn, elder_ids=list(mine), id=record_id)
    if row is not None:
        return row, False
    if not is_staff(principal):
        raise kind.not_found(id=record_id)
    found = await kind.reads.get.one(await audited.connection(), kind.not_found, id=record_id)
    await audited.record(
        principal,
        action=f"read_{kind.resource}",
        resources=[f"{kind.resource}/{record_id}"],
        purpose=kind.purpose,
    )
    return found, True


async def page(
    reader: Reader,
    audited: Audited,
    kind: Kind[R],
    shape: Callable[[R], T],
    *,
    principal: Principal,
    filters: StaffFilter,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
) -> Page[T]:
    """Newest first: the caller's elders' records, or for staff every record matching
    `filters` (each one shown audited)."""
    staff = is_staff(principal)
    scope = f"{kind.resource}:{staff}:{filters!r}"
    if not staff:
        async with reader.connection() as conn:
            mine = await elder_repository.visible(conn, principal.sub)
            return await kind.reads.mine.page(
                conn,
                {},
                params={"elder_ids": list(mine)},
                limit=limit,
                cursor=cursor,
                codec=codec,
                scope=scope,
                shape=shape,
            )
    ids: list[int] = []

    def shaped(row: R) -> T:
        ids.append(row.id)
        return shape(row)

    answer = await kind.reads.staff.page(
        await audited.connection(),
        filters,
        limit=limit,
        cursor=cursor,
        codec=codec,
        scope=scope,
        shape=shaped,
    )
    await audited.record(
        principal,
        action=f"read_{kind.resource}",
        resources=[f"{kind.resource}/{i}" for i in ids],
        purpose=kind.purpose,
    )
    return answer


async def lock_for_change(
    session: AsyncSession,
    kind: Kind[R],
    *,
    principal: Principal,
    record_id: int,
    action: str,
    request_id: str | None,
) -> tuple[Any, str | None]:
    """The record, row-locked, and the caller's relation to its elder (None: staff, audited)."""
    record = await lock(session, kind.reads.model, record_id)
    if record is None:
        raise kind.not_found(id=record_id)
    relation = await relation_or_audit(
        session,
        principal,
        record.elder_id,
        action=action,
        resource=f"{kind.resource}/{record_id}",
        purpose=kind.purpose,
        request_id=request_id,
        missing=kind.not_found(id=record_id),
    )
    return record, relation


async def elder_for_new_record(
    session: AsyncSession,
    kind: Kind[R],
    *,
    principal: Principal,
    elder_id: int,
    request_id: str | None,
) -> str | None:
    """Who may ask for care or a retrofit for an elder: the elder, linked family, staff."""
    missing = ElderNotFound(id=elder_id)
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
