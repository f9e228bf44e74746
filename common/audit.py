"""The access audit every service keeps of staff reads and changes of personal data (PIPL):
who (subject and roles), what (action and record), why (purpose), which request, when — never the
personal values themselves. Append-only; admins page through it newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import AdminDep, Principal
from common.db import SessionDep, driver_connection
from common.listing import Bound, Keyset, Listing
from common.middleware import RequestIdDep
from common.pagination import CursorCodec, CursorCodecDep, CursorQuery, LimitQuery, Page
from common.problems import problem_responses
from common.read import Reader, ReaderDep
from common.responses import model_response
from common.state import service_context


def access_audit_table(metadata: MetaData) -> Table:
    return Table(
        "access_audit",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("actor_sub", String(200), nullable=False),
        Column("actor_roles", String(200), nullable=False),
        Column("action", String(50), nullable=False),
        Column("resource", String(200), nullable=False),
        Column("purpose", String(200), nullable=False),
        Column("request_id", String(128)),
        Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index("ix_access_audit_at", "at"),
    )


async def record_access(
    session: AsyncSession,
    table: Table,
    *,
    actor: Principal,
    action: str,
    resources: Sequence[str],
    purpose: str,
    request_id: str | None,
) -> None:
    """Writes one audit row per personal record touched (a page of 20 is 20 rows) in the
    request's transaction: it commits with the read or change, or not at all."""
    if not resources:
        return
    roles = ",".join(sorted(actor.roles))
    await session.execute(
        insert(table),
        [
            {
                "actor_sub": actor.sub,
                "actor_roles": roles,
                "action": action,
                "resource": resource,
                "purpose": purpose,
                "request_id": request_id,
            }
            for resource in resources
        ],
    )


@dataclass(frozen=True)
class Audited:
    """A request that reads or changes personal data and writes the access audit in the same
    transaction: its reads run on the transaction's own connection (one connection, not a
    read connection beside a writing one), and `record` writes one row per record touched. No
    audit row, no answer: both commit or neither."""

    session: AsyncSession
    table: Table
    request_id: str | None

    async def connection(self) -> asyncpg.Connection:
        """The transaction's connection, pending ORM changes flushed, for read statements."""
        await self.session.flush()
        return await driver_connection(self.session)

    async def record(
        self, actor: Principal, *, action: str, resources: Sequence[str], purpose: str
    ) -> None:
        await record_access(
            self.session,
            self.table,
            actor=actor,
            action=action,
            resources=resources,
            purpose=purpose,
            request_id=self.request_id,
        )


async def audited(session: SessionDep, request: Request, request_id: RequestIdDep) -> Audited:
    return Audited(session, service_context(request.app).audit_table, request_id)


# the one dependency of a route that reads (or changes) personal data for staff, audited
AuditedDep = Annotated[Audited, Depends(audited)]


class AccessRecord(BaseModel):
    id: int
    actor_sub: str
    actor_roles: list[str] = Field(description="The actor's roles at the time.")
    action: str = Field(examples=["read_elder"])
    resource: str = Field(description="The record touched, e.g. `elder/12`.")
    purpose: str
    request_id: str | None
    at: datetime

    @classmethod
    def of(cls, row: AuditRow) -> AccessRecord:
        return cls(
            id=row.id,
            actor_sub=row.actor_sub,
            actor_roles=[r for r in row.actor_roles.split(",") if r],
            action=row.action,
            resource=row.resource,
            purpose=row.purpose,
            request_id=row.request_id,
            at=row.at,
        )


# --- the admin's read: `GET /{service}/v1/audit` --------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    resource: str | None = None
    actor_sub: str | None = None
    action: str | None = None


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    actor_sub: str
    actor_roles: str
    action: str
    resource: str
    purpose: str
    request_id: str | None
    at: datetime


class AuditLog:
    """One service's audit table as admins page through it: newest first (by id, the order the
    rows were written), filtered by record, actor or action."""

    def __init__(self, table: Table) -> None:
        c = table.c
        self._list = Listing(
            select(c.id, c.actor_sub, c.actor_roles, c.action, c.resource, c.purpose).add_columns(
                c.request_id, c.at
            ),
            AuditRow,
            filters={
                "resource": Bound(lambda p: c.resource == p),
                "actor_sub": Bound(lambda p: c.actor_sub == p),
                "action": Bound(lambda p: c.action == p),
            },
            order=Keyset((c.id,), descending=True),
        )

    async def page(
        self,
        reader: Reader,
        *,
        filters: AuditFilter,
        limit: int,
        cursor: str | None,
        codec: CursorCodec,
    ) -> Page[AccessRecord]:
        async with reader.connection() as conn:
            return await self._list.page(
                conn,
                filters,
                limit=limit,
                cursor=cursor,
                codec=codec,
                scope=f"audit:{filters!r}",
                shape=AccessRecord.of,
            )


def audit_router(prefix: str, table: Table, *, tags: list[str], records: str) -> APIRouter:
    """`GET {prefix}/audit` (admin): `records` says which personal records the service audits."""
    log = AuditLog(table)
    router = APIRouter(prefix=prefix, tags=list(tags))

    @router.get(
        "/audit",
        summary="The access audit: who read or changed which personal record, when and why (admin)",
        description=(
            f"Newest first. Every read or change of {records} by staff is one row per record; "
            "rows hold no personal values."
        ),
        response_model=Page[AccessRecord],
        responses=problem_responses(401, 403),
    )
    async def list_audit(
        reader: ReaderDep,
        codec: CursorCodecDep,
        _: AdminDep,
        resource: Annotated[
            str | None, Query(min_length=1, max_length=200, description="e.g. `elder/12`")
        ] = None,
        actor_sub: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
        action: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
        limit: LimitQuery = 20,
        cursor: CursorQuery = None,
    ) -> Response:
        page = await log.page(
            reader,
            filters=AuditFilter(resource=resource, actor_sub=actor_sub, action=action),
            limit=limit,
            cursor=cursor,
            codec=codec,
        )
        return model_response(page)

    return router
