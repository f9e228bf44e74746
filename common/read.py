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

import dataclasses
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Annotated, Any, Generic, TypeVar, cast, overload

import asyncpg
from fastapi import Depends, Request
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import greenlet_spawn

from common.db import driver_connection
from common.errors import ProblemError, ServiceUnavailable
from common.i18n import t
from common.state import service_context

_DIALECT = PGDialect_asyncpg(paramstyle="numeric_dollar")  # type: ignore[no-untyped-call]


class NoRows:
    """The row type of a statement run for its effect or one value (`execute`, `value`)."""


R = TypeVar("R")
# what `one` raises: an error class (built from the lookup's parameters) or a factory
Missing = type[ProblemError] | Callable[[], Exception]


class Statement(Generic[R]):
    """A Core statement compiled once; executed with keyword parameters on asyncpg.

    Give the row type (a dataclass whose fields are the statement's columns, checked here at
    import) and `rows`/`row`/`one` return typed rows, so mypy follows the data past the SQL.
    A statement without one is run for its effect or a single value (`execute`, `value`).
    The same statement runs on a read connection (`Reader`) or, inside a write, on the
    transaction's own connection (`*_in(session, …)`)."""

    @overload
    def __init__(self: Statement[NoRows], statement: ClauseElement) -> None: ...

    @overload
    def __init__(self, statement: ClauseElement, row: type[R]) -> None: ...

    def __init__(self, statement: ClauseElement, row: type[Any] | None = None) -> None:
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
        self._row = row
        self._fields: tuple[str, ...] = ()
        if row is not None:
            self._fields = tuple(f.name for f in dataclasses.fields(row))
            selected = set(getattr(statement, "exported_columns", {}).keys())
            if missing := [f for f in self._fields if f not in selected]:
                raise TypeError(f"{row.__name__} names columns the statement lacks: {missing}")

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        try:
            return [
                params[name] if name in params else self._defaults[name] for name in self._names
            ]
        except KeyError as exc:
            raise TypeError(f"missing parameter {exc} for: {self.sql}") from None

    def typed(self, record: asyncpg.Record) -> R:
        """One typed row from a record of this statement."""
        if self._row is None:
            raise TypeError(f"a statement without a row type is run for a value: {self.sql}")
        row: R = self._row(**{name: record[name] for name in self._fields})
        return row

    async def rows(self, conn: asyncpg.Connection, **params: Any) -> list[R]:
        records = await conn.fetch(self.sql, *self.args(params))
        return [self.typed(r) for r in records]

    async def row(self, conn: asyncpg.Connection, **params: Any) -> R | None:
        record = await conn.fetchrow(self.sql, *self.args(params))
        return None if record is None else self.typed(record)

    async def one(self, conn: asyncpg.Connection, missing: Missing, **params: Any) -> R:
        """The row, or `missing` raised (the load-or-404 of every domain): an error class whose
        message names the parameters it needs (`Posting {id} does not exist.`)."""
        found = await self.row(conn, **params)
        if found is None:
            raise _missing(missing, params)
        return found

    async def value(self, conn: asyncpg.Connection, **params: Any) -> Any:
        return await conn.fetchval(self.sql, *self.args(params))

    async def execute(self, conn: asyncpg.Connection, **params: Any) -> str:
        status: str = await conn.execute(self.sql, *self.args(params))
        return status

    # --- inside a write: the request's transaction, after its pending changes are flushed ---

    async def rows_in(self, session: AsyncSession, **params: Any) -> list[R]:
        return await self.rows(await _flushed(session), **params)

    async def row_in(self, session: AsyncSession, **params: Any) -> R | None:
        return await self.row(await _flushed(session), **params)

    async def one_in(self, session: AsyncSession, missing: Missing, **params: Any) -> R:
        return await self.one(await _flushed(session), missing, **params)

    async def value_in(self, session: AsyncSession, **params: Any) -> Any:
        return await self.value(await _flushed(session), **params)


def _missing(missing: Missing, params: Mapping[str, Any]) -> Exception:
    if isinstance(missing, type) and issubclass(missing, ProblemError):
        return missing.about(params)
    return cast(Callable[[], Exception], missing)()


async def _flushed(session: AsyncSession) -> asyncpg.Connection:
    await session.flush()
    return await driver_connection(session)


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
            raise DatabaseUnavailable(t("The database is not reachable; retry shortly.")) from exc
        try:
            driver: asyncpg.Connection = fairy.driver_connection
            yield driver
        finally:
            await greenlet_spawn(fairy.close)

    async def rows(self, statement: Statement[R], **params: Any) -> list[R]:
        async with self.connection() as conn:
            return await statement.rows(conn, **params)

    async def row(self, statement: Statement[R], **params: Any) -> R | None:
        async with self.connection() as conn:
            return await statement.row(conn, **params)

    async def one(self, statement: Statement[R], missing: Missing, **params: Any) -> R:
        async with self.connection() as conn:
            return await statement.one(conn, missing, **params)


async def get_reader(request: Request) -> Reader:
    return service_context(request.app).database.reader


ReaderDep = Annotated[Reader, Depends(get_reader)]
