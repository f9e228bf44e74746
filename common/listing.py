"""Lists (DESIGN §2 "Lists"): the optional filters of a search declared once, as data; one
statement per filter *shape* compiled once (`common.read.Statement`); keyset pages with a
signed cursor (`common.pagination`).

A domain declares its list once —

    SEARCH = Listing(
        select(*COLUMNS),
        PostingRow,
        filters={
            "district": Bound(lambda p: Posting.district == p),
            "q": Bound(lambda p: Posting.title.ilike(p, escape="\\\\"), bind=contains),
            "graduate_friendly": Chosen(lambda v: Posting.graduate_friendly.is_(v)),
        },
        order=Keyset((Posting.id,), descending=True),
    )

— and a read is `await SEARCH.page(conn, filters, limit=…, cursor=…, codec=…, scope=…,
shape=PostingRead.of)`. A `Bound` filter's value is a bind parameter (one statement serves every
value); a `Chosen` filter's value picks the SQL (a flag, one of a few choices). A list with a
`nearest` location column also searches by distance (`near=`), walking its GiST index with the
KNN operator, ordered nearest first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, NoReturn, TypeVar

import asyncpg
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Integer,
    Select,
    bindparam,
    cast,
    func,
    null,
    tuple_,
)
from sqlalchemy.sql.elements import BindParameter

from common.errors import BadRequest
from common.geo import Earth
from common.i18n import t
from common.pagination import CursorCodec, Page
from common.read import Statement

R = TypeVar("R")
T = TypeVar("T")
AnySelect = Select[*tuple[Any, ...]]


def _same(value: Any) -> Any:
    return value


def contains(term: str) -> str:
    """The `LIKE` pattern of a term found anywhere (its own `%`, `_` and `\\` taken literally)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Bound:
    """A filter whose value is bound into the statement as the parameter named after it."""

    condition: Callable[[BindParameter[Any]], ColumnElement[bool]]
    type_: Any = None  # the parameter's SQL type, where the comparison does not give it
    bind: Callable[[Any], Any] = _same  # the filter's value → the parameter's value
    # more parameters the same value gives other parts of the statement (a search's rank)
    also: Callable[[Any], Mapping[str, Any]] | None = None


@dataclass(frozen=True)
class Chosen:
    """A filter whose value picks the SQL (a flag, one of a few choices); `None` from
    `condition` means no condition for that value."""

    condition: Callable[[Any], ColumnElement[bool] | None]


Filter = Bound | Chosen


@dataclass(frozen=True)
class Keyset:
    """The order of a list: columns of the select that are unique together (the last one an
    id), all ascending or all descending."""

    columns: tuple[Any, ...]
    descending: bool = False


@dataclass(frozen=True)
class _Shape:
    given: tuple[tuple[str, Any], ...]  # (name, True) for a bound filter, (name, value) chosen
    near: bool
    after: bool


class Listing(Generic[R]):
    """One list: a select, its row type, its filters and its order (see the module text)."""

    def __init__(
        self,
        query: AnySelect,
        row: type[R],
        *,
        filters: Mapping[str, Filter] | None = None,
        order: Keyset,
        nearest: Any = None,  # the earth_loc column a nearby search walks
    ) -> None:
        self._query = query
        self._row = row
        self._filters = dict(filters or {})
        self._order = order
        self._nearest = nearest
        self._statements: dict[_Shape, Statement[R]] = {}
        selected = set(query.selected_columns.keys())
        self._keys = tuple(str(c.key) for c in order.columns)
        if missing := [k for k in self._keys if k not in selected]:
            raise TypeError(f"the order names columns the list does not select: {missing}")

    def statement(self, shape: _Shape) -> Statement[R]:
        """The compiled statement of one shape (built on first use, then kept)."""
        found = self._statements.get(shape)
        if found is None:
            found = self._statements[shape] = Statement(self._build(shape), self._row)
        return found

    def statement_for(
        self, values: Any, *, near: bool = False, after: bool = False
    ) -> Statement[R]:
        """The compiled statement of these filters' shape (a benchmark's ceiling runs it raw)."""
        return self.statement(self._shape(values, near, after)[0])

    def _conditions(self, shape: _Shape) -> list[ColumnElement[bool]]:
        """The conditions of the filters a shape gives."""
        conditions: list[ColumnElement[bool]] = []
        for name, value in shape.given:
            spec = self._filters[name]
            if isinstance(spec, Bound):
                conditions.append(spec.condition(bindparam(name, type_=spec.type_)))
            elif (condition := spec.condition(value)) is not None:
                conditions.append(condition)
        return conditions

    def _build(self, shape: _Shape) -> AnySelect:
        conditions = self._conditions(shape)
        limit = bindparam("limit", type_=Integer)
        if shape.near:
            return self._nearest_first(conditions, shape.after).limit(limit)
        columns = list(self._order.columns)
        if shape.after:
            bounds = [bindparam(f"after_{i}", type_=c.type) for i, c in enumerate(columns)]
            one = len(columns) == 1
            key = columns[0] if one else tuple_(*columns)
            bound = bounds[0] if one else tuple_(*bounds)
            conditions.append(key < bound if self._order.descending else key > bound)
        query = self._query
        if self._nearest is not None:
            query = query.add_columns(cast(null(), Float).label("distance_m"))
        order_by = [c.desc() for c in columns] if self._order.descending else columns
        return query.where(*conditions).order_by(*order_by).limit(limit)

    def _nearest_first(self, conditions: list[ColumnElement[bool]], after: bool) -> AnySelect:
        """Nearest first: the KNN operator `<->` walks the GiST index on the location (measured
        ~1.6x cheaper than `earth_box` plus a sort); `earth_box @>` prunes by radius and the
        great-circle distance filters exactly. The sort key is (chord distance, id)."""
        if self._nearest is None:
            raise TypeError("this list has no location to search near")
        loc = self._nearest
        last_id = self._order.columns[-1]
        centre = func.public.ll_to_earth(
            bindparam("lat", type_=Float), bindparam("lon", type_=Float), type_=Earth()
        )
        radius = bindparam("radius_m", type_=Float)
        knn = loc.op("<->", return_type=Float)(centre)
        distance = func.public.earth_distance(loc, centre, type_=Float)
        where = [
            *conditions,
            func.public.earth_box(centre, radius).op("@>")(loc),
            distance <= radius,
        ]
        if after:
            where.append(
                tuple_(knn, last_id)
                > tuple_(bindparam("after_0", type_=Float), bindparam("after_1", type_=BigInteger))
            )
        return (
            self._query.add_columns(distance.label("distance_m"), knn.label("sort_key"))
            .where(*where)
            .order_by(knn, last_id)
        )

    def _shape(self, values: Any, near: bool, after: bool) -> tuple[_Shape, dict[str, Any]]:
        given: list[tuple[str, Any]] = []
        params: dict[str, Any] = {}
        for name, spec in self._filters.items():
            value = _value(values, name)
            if value is None or value == "":
                continue
            if isinstance(spec, Bound):
                given.append((name, True))
                params[name] = spec.bind(value)
                if spec.also is not None:
                    params.update(spec.also(value))
            else:
                given.append((name, value))
        return _Shape(tuple(given), near, after), params

    async def page(
        self,
        conn: asyncpg.Connection,
        values: Any,
        *,
        limit: int,
        cursor: str | None,
        codec: CursorCodec,
        scope: str,
        shape: Callable[[R], T],
        near: tuple[float, float, float] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Page[T]:
        """One page: `values` holds the filters (a dataclass or a mapping, `None` = not given),
        `near` a WGS-84 (lat, lon, radius in metres), `scope` what a cursor is only valid for
        (the filters' values, say), `params` parameters the select itself binds."""
        scope = f"{scope}|{'near' if near else 'order'}"
        after = self._decode(codec.decode(cursor, scope), near is not None) if cursor else None
        statement_shape, bound = self._shape(values, near is not None, after is not None)
        bound.update(params or {})
        bound["limit"] = limit + 1
        if near is not None:
            bound.update(lat=near[0], lon=near[1], radius_m=float(near[2]))
        for i, value in enumerate(after or ()):
            bound[f"after_{i}"] = value
        statement = self.statement(statement_shape)
        records = await conn.fetch(statement.sql, *statement.args(bound))
        items = [shape(statement.typed(r)) for r in records[:limit]]
        next_cursor = None
        if len(records) > limit:
            last = records[limit - 1]
            keys = ("sort_key", self._keys[-1]) if near is not None else self._keys
            next_cursor = codec.encode([_plain(last[k]) for k in keys], scope)
        return Page[T](items=items, next_cursor=next_cursor)

    async def rows(
        self,
        conn: asyncpg.Connection,
        values: Any,
        *,
        limit: int | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> list[R]:
        """The first `limit` rows the filters match, in the list's order — every one without a
        limit (a map layer) — with no cursor (a summary's newest 50)."""
        statement_shape, bound = self._shape(values, False, False)
        bound.update(params or {})
        bound["limit"] = limit  # LIMIT NULL is no limit: the same compiled statement
        return await self.statement(statement_shape).rows(conn, **bound)

    def _decode(self, values: list[Any], near: bool) -> list[Any]:
        types = [float, int] if near else [_python_type(c) for c in self._order.columns]
        if len(values) != len(types):
            _invalid_cursor()
        try:
            return [_parse(t, v) for t, v in zip(types, values, strict=True)]
        except (TypeError, ValueError):
            _invalid_cursor()


def _invalid_cursor() -> NoReturn:
    raise BadRequest(t("The cursor is not valid."), code="invalid_cursor")


def _value(values: Any, name: str) -> Any:
    if isinstance(values, Mapping):
        return values.get(name)
    return getattr(values, name)


def _python_type(column: Any) -> type:
    try:
        kind: type = column.type.python_type
    except NotImplementedError:
        return str
    return kind


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _parse(kind: type, value: Any) -> Any:
    if kind is datetime:
        return datetime.fromisoformat(str(value))
    if kind is date:
        return date.fromisoformat(str(value))
    if kind is float and isinstance(value, int | float):
        return float(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str):
        return value
    raise ValueError(f"not a {kind.__name__}: {value!r}")
