"""The Idempotency-Key mechanism of DESIGN §2, stored in each service's own schema.

A POST that creates something runs through `Idempotency.run`. Inside the request's transaction
it takes a transaction-scoped advisory lock on (caller, key) — a second request with the key
while the first is in flight gets 409 — then replays a stored response, refuses a different
body with 422, or runs the effect and stores its response in the same transaction, so the key
and the effect commit together or not at all. Errors are not stored: a retry re-evaluates.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import (
    Column,
    DateTime,
    MetaData,
    SmallInteger,
    String,
    Table,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.db import SessionDep
from common.errors import BadRequest, Conflict, Unprocessable
from common.i18n import t
from common.state import service_context

REPLAYED_HEADER = "Idempotent-Replayed"
_KEY_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:~+/=")


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_key",
        metadata,
        Column("principal", String(200), primary_key=True),
        Column("key", String(255), primary_key=True),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", SmallInteger, nullable=False),
        Column("response_body", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


KEY_PATTERN = r"^[A-Za-z0-9\-_.:~+/=]{1,255}$"

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        # documented, and checked in `Idempotency` (a 400 `invalid_idempotency_key`, not a 422)
        json_schema_extra={"minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
        description=(
            "Client-chosen key (≤255 chars) that makes a retry safe: the same key and body "
            "replay the first response with `Idempotent-Replayed: true`; another body is 422; "
            "a duplicate still in flight is 409. Keys are kept at least 24 hours."
        ),
    ),
]


class Idempotency:
    def __init__(self, request: Request, session: AsyncSession, key: str | None) -> None:
        self.request = request
        self.session = session
        self.key = key

    async def _request_hash(self) -> str:
        body = await self.request.body()
        try:
            canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            canonical = body
        digest = hashlib.sha256()
        url = self.request.url
        # the query is part of the request: the same body with another `coord_sys` is another one
        for part in (
            self.request.method.encode(),
            url.path.encode(),
            url.query.encode(),
            canonical,
        ):
            digest.update(part + b"\0")
        return digest.hexdigest()

    async def run(
        self,
        principal: str,
        produce: Callable[[], Awaitable[BaseModel]],
        *,
        status_code: int = 201,
        headers: dict[str, str] | None = None,
        replayed: Callable[[Any], Awaitable[None]] | None = None,
    ) -> JSONResponse:
        """`produce`'s answer, stored under the key; a retry gets the stored answer. `replayed`
        runs (in the same transaction) when a stored answer is given again, with its body: the
        access audit of a staff write records that the record was shown once more."""
        if self.key is None:
            result = await produce()
            return JSONResponse(
                result.model_dump(mode="json"), status_code=status_code, headers=headers
            )

        context = service_context(self.request.app)
        table = context.idempotency_table
        retention = timedelta(hours=context.settings.idempotency_retention_hours)
        request_hash = await self._request_hash()
        locked = await self.session.scalar(
            text("SELECT pg_try_advisory_xact_lock(hashtextextended(:k, 0))"),
            {"k": f"{table.schema}:{principal}:{self.key}"},
        )
        if not locked:
            raise Conflict(
                t("A request with this Idempotency-Key is still being processed; retry shortly."),
                code="idempotency_in_flight",
            )
        where = (table.c.principal == principal) & (table.c.key == self.key)
        stored = (await self.session.execute(select(table).where(where))).mappings().first()
        if stored is not None and stored["created_at"] < datetime.now(UTC) - retention:
            await self.session.execute(delete(table).where(where))
            stored = None
        if stored is not None:
            if stored["request_hash"] != request_hash:
                raise Unprocessable(
                    t("This Idempotency-Key was used with a different request body."),
                    code="idempotency_key_reused",
                )
            if replayed is not None:
                await replayed(stored["response_body"])
            replay_headers = {**(headers or {}), REPLAYED_HEADER: "true"}
            return JSONResponse(
                stored["response_body"], status_code=stored["status_code"], headers=replay_headers
            )

        result = await produce()
        body: Any = result.model_dump(mode="json")
        await self.session.execute(
            insert(table).values(
                principal=principal,
                key=self.key,
                request_hash=request_hash,
                status_code=status_code,
                response_body=body,
            )
        )
        return JSONResponse(body, status_code=status_code, headers=headers)


async def purge_expired_keys(app: Any) -> int:
    """Deletes keys past retention (the shared lifespan runs this periodically)."""
    context = service_context(app)
    table = context.idempotency_table
    hours = context.settings.idempotency_retention_hours
    async with context.database.background_sessionmaker() as session:
        result = await session.execute(
            delete(table).where(table.c.created_at < func.now() - timedelta(hours=hours))
        )
        await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


async def idempotency(
    request: Request, session: SessionDep, key: IdempotencyKeyHeader = None
) -> Idempotency:
    """The dependency (async: a plain `def` one would take a thread-pool hop per request)."""
    if key is not None and (not key or len(key) > 255 or not set(key) <= _KEY_CHARS):
        raise BadRequest(
            t("Idempotency-Key must be 1–255 printable ASCII characters without spaces."),
            code="invalid_idempotency_key",
        )
    return Idempotency(request, session, key)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]
