"""The read path every domain copies (docs/architecture.md, "The read path").

A request that only reads needs no transaction, no ORM identity map and no second validation:
- `ReaderDep` hands the route a `Reader`; `reader.connection()` checks a connection out of the
  same SQLAlchemy pool the writes use and gives the route its asyncpg connection, with no
  `BEGIN`/`COMMIT` around it and no pre-ping (six round trips become one);
- `Statement` compiles a Core statement once, at import, to asyncpg's `$n` SQL, so asyncpg's
  per-connection prepared-statement cache serves every later call;
- rows are validated once into the response model and rendered by
  `common.responses.model_response`.
Writes keep the unit of work (`common.db.SessionDep`). The test isolation fixture swaps the
app's `Reader` for one bound to its rolled-back connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import greenlet_spawn

from common.errors import ServiceUnavailable

_DIALECT = PGDialect_asyncpg(paramstyle="numeric_dollar")  # type: ignore[no-untyped-call]


class Statement:
    """A Core statement compiled once; executed with keyword parameters on asyncpg."""

    def __init__(self, statement: ClauseElement) -> None:
        compiled = statement.compile(dialect=_DIALECT)
        assert isinstance(compiled, SQLCompiler)
        self.sql = str(compiled)
        if "POSTCOMPILE" in self.sql:
            # `IN (...)` expands per call; a statement compiled once takes a list as `= ANY(:x)`
            raise ValueError(
                f"use `= any_(...)` instead of `in_()` in a read statement: {self.sql}"
            )
        self._names: tuple[str, ...] = tuple(compiled.positiontup or ())
        # values written into the statement (literals); `bindparam("x")` ones must be given
        self._defaults: dict[str, Any] = {
            name: value
            for name, value in compiled.params.items()
            if not compiled.binds[name].required
        }

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        try:
            return [
                params[name] if name in params else self._defaults[name] for name in self._names
            ]
        except KeyError as exc:
            raise TypeError(f"missing parameter {exc} for: {self.sql}") from None

    async def rows(self, conn: asyncpg.Connection, **params: Any) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = await conn.fetch(self.sql, *self.args(params))
        return rows

    async def row(self, conn: asyncpg.Connection, **params: Any) -> asyncpg.Record | None:
        row: asyncpg.Record | None = await conn.fetchrow(self.sql, *self.args(params))
        return row

    async def value(self, conn: asyncpg.Connection, **params: Any) -> Any:
        return await conn.fetchval(self.sql, *self.args(params))


class DatabaseUnavailable(ServiceUnavailable, code="database_unavailable"):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers["Retry-After"] = "5"


class Reader:
    """Connections for reads: from the engine's pool, or one fixed connection (tests)."""

    def __init__(
        self, engine: AsyncEngine | None = None, *, fixed: asyncpg.Connection | None = None
    ) -> None:
        if (engine is None) == (fixed is None):
            raise ValueError("give an engine or a fixed connection")
        self._engine = engine
        self._fixed = fixed

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        if self._fixed is not None:
            yield self._fixed
            return
        assert self._engine is not None
        # the pool's own connection, without an AsyncConnection around it (~45 µs less a read);
        # no transaction is begun, so returning it issues no ROLLBACK
        try:
            fairy = await self._engine.raw_connection()
        except Exception as exc:  # no connection (server down, max_connections): not a 500
            raise DatabaseUnavailable("The database is not reachable; retry shortly.") from exc
        try:
            driver: asyncpg.Connection = fairy.driver_connection
            yield driver
        finally:
            await greenlet_spawn(fairy.close)

    async def rows(self, statement: Statement, **params: Any) -> list[asyncpg.Record]:
        async with self.connection() as conn:
            return await statement.rows(conn, **params)

    async def row(self, statement: Statement, **params: Any) -> asyncpg.Record | None:
        async with self.connection() as conn:
            return await statement.row(conn, **params)


async def get_reader(request: Request) -> Reader:
    reader: Reader = request.app.state.reader
    return reader


ReaderDep = Annotated[Reader, Depends(get_reader)]
