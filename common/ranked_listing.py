"""The SQL side of search the way people type (common/search.py builds the documents and the
queries): the `q` filter a list declares (`text_filter`) and `RankedListing`, a list searched by
a term and ranked — names that are the term, then names that start with it, then the rest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    false,
    func,
    literal_column,
    not_,
    null,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY

from common.listing import AnySelect, Bound, Filter, Keyset, Listing, _Shape
from common.name_keys import NameKeys, exact_key, prefix_key
from common.search import terms

R = TypeVar("R")


def matches(column: Any, query: Any) -> ColumnElement[bool]:
    """`column @@ query::tsquery` (served by the column's GIN index)."""
    result: ColumnElement[bool] = column.op("@@", return_type=Boolean)(cast(query, TSQUERY))
    return result


def bind_terms(term: str) -> dict[str, str]:
    """Every parameter a ranked search by `term` binds: `q` (what matches), `q_exact` and
    `q_prefix` (what the ranks ask of the document), `name_exact` and `name_prefix` (the keys
    they read where the list has name keys)."""
    found = terms(term)
    return {
        "q": found.match,
        "q_exact": found.exact,
        "q_prefix": found.prefix,
        "name_exact": exact_key(found.name),
        "name_prefix": prefix_key(found.name),
    }


def text_filter(column: Any) -> Bound:
    """The `q` filter of a list: the term matches the row's document. It also binds `q_exact`
    and `q_prefix`, what `rank_of` asks."""
    return Bound(
        lambda p: matches(column, p),
        type_=String,
        bind=lambda term: terms(term).match,
        also=bind_terms,  # q again, the same value
    )


class RankedListing(Listing[R]):
    """A list searched by a term (`q`, its filter `text_filter`), ranked: names that are the
    term first, then names that start with it, then the rest, each in the list's own order.

    Each rank is its own branch — the list's order and LIMIT — under one UNION ALL, so a
    common term (会计 in one posting of ten) reads a page's worth of each rank through an
    index walk in the list's order, where one `ORDER BY rank` would sort every match. Pages
    are keyset over (rank, the list's order); with a centre the list is nearest first and the
    rank plays no part.

    With `names` (a side table of name keys, common/name_keys.py) the first two ranks walk their
    key in id order instead of fetching every match from the GIN bitmap: for a list of 100,000
    rows. A rank's recheck of the document is wrapped in `COALESCE(…, false)`, the same truth
    (the document is never NULL) hidden from the planner's statistics: estimating a prefix query
    scans every common lexeme of the column, on every plan."""

    def __init__(
        self,
        query: AnySelect,
        row: type[R],
        *,
        filters: Mapping[str, Filter],
        order: Keyset,
        column: Any,  # the search document
        nearest: Any = None,
        names: NameKeys | None = None,
    ) -> None:
        rank = literal_column("0", Integer).label("rank")
        ranked = Keyset((rank, *order.columns), descending=order.descending)
        super().__init__(
            query.add_columns(rank), row, filters=filters, order=ranked, nearest=nearest
        )
        self._unranked_query = query
        self._unranked = order
        self._document = column
        self._names = names

    def _build(self, shape: _Shape) -> AnySelect:
        if shape.near:
            return super()._build(shape)
        conditions = self._conditions(shape)
        # a name that is the term or starts with it matches it by construction: those ranks
        # ask their one name lexeme alone (no phrase to recheck on every row)
        others = self._conditions(
            _Shape(tuple(g for g in shape.given if g[0] != "q"), shape.near, shape.after)
        )
        limit = bindparam("limit", type_=Integer)
        descending = self._unranked.descending
        columns = list(self._unranked.columns)
        exact = matches(self._document, bindparam("q_exact", type_=String))
        prefix = matches(self._document, bindparam("q_prefix", type_=String))
        ranks = (2, 1, 0) if descending else (0, 1, 2)  # exact, prefix, the rest
        rest = [*conditions, _unestimated(not_(prefix))]
        if self._names is None:
            first = [*others, exact]
            second = [*others, prefix, _unestimated(not_(exact))]
        else:
            key = self._names.key
            first = [*others, key == bindparam("name_exact", type_=String)]
            second = [
                *others,
                key == bindparam("name_prefix", type_=String),
                _unestimated(and_(prefix, not_(exact))),  # a term longer than the key
            ]
        branches = []
        for rank, where_rank in zip(ranks, (first, second, rest), strict=True):
            here = literal_column(str(rank), Integer)
            where = list(where_rank)
            if shape.after:
                after = bindparam("after_0", type_=Integer)
                bounds = [bindparam(f"after_{i + 1}", type_=c.type) for i, c in enumerate(columns)]
                one = len(columns) == 1
                key = columns[0] if one else tuple_(*columns)
                bound = bounds[0] if one else tuple_(*bounds)
                if descending:
                    where.append(or_(here < after, and_(here == after, key < bound)))
                else:
                    where.append(or_(here > after, and_(here == after, key > bound)))
            branch = self._unranked_query.add_columns(here.label("rank"))
            if self._names is not None and rank != ranks[2]:
                branch = branch.join(self._names.table, self._names.owner == self._names.row_id)
            if self._nearest is not None:
                branch = branch.add_columns(cast(null(), Float).label("distance_m"))
            order_by = [c.desc() for c in columns] if descending else columns
            branches.append(branch.where(*where).order_by(*order_by).limit(limit))
        ranked = union_all(*branches).subquery("ranked")
        keys = [ranked.c.rank, *(ranked.c[str(c.key)] for c in columns)]
        return select(ranked).order_by(*(k.desc() if descending else k for k in keys)).limit(limit)


def _unestimated(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """`condition` as a filter the planner does not estimate from the column's statistics."""
    return func.coalesce(condition, false())
