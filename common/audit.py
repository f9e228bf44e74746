"""The access audit every service keeps of staff reads and changes of personal data (PIPL):
who (subject and roles), what (action and record), why (purpose), which request, when — never the
personal values themselves. Append-only; admins page through it newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import BigInteger, Column, DateTime, Index, MetaData, String, Table, func, insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal


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
    resource: str,
    purpose: str,
    request_id: str | None,
) -> None:
    """Writes one audit row in the request's transaction (it commits with the read or change)."""
    await session.execute(
        insert(table).values(
            actor_sub=actor.sub,
            actor_roles=",".join(sorted(actor.roles)),
            action=action,
            resource=resource,
            purpose=purpose,
            request_id=request_id,
        )
    )


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
    def of(cls, row: Any) -> AccessRecord:
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
