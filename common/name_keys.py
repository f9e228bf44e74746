"""The first two ranks of a ranked search (a name that is the term, a name that starts with it)
read from a side table of name keys, newest first, one B-tree page at a time (issue 16 §4).

The GIN index of the search document answers "which rows have `nm:会计`" as a bitmap: every
match is fetched and sorted before the first 20 are known, and a common name (会计 in one
posting of fifty at 100,000 rows) costs a heap page per match. The side table holds, per row,
a key for each name form of its document (`nm:` lexemes, common/search.py) —

- `=<form>`: the form whole, what the first rank asks for;
- `^<first 1…PREFIX_CHARS characters of the form>`: what the second rank walks;

— under a primary key (key, row id), so a rank reads its key's entries backward in id order and
probes the row for the list's other filters until a page is full. A term longer than
`PREFIX_CHARS` walks the key of its first characters and is rechecked against the document.

Triggers keep the table from the `search` column itself (insert, update of any row, delete,
truncate), so every writer — the ORM, the seed's Core inserts, the benchmark's INSERT … SELECT —
keeps it without knowing it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PREFIX_CHARS = 4  # prefix keys per form: enough for 2-character Chinese names, few rows


@dataclass(frozen=True)
class NameKeys:
    """A listed table's name-key side table, as `RankedListing(names=…)` reads it."""

    table: Any  # the side table (a model or a Table)
    key: Any  # its key column
    owner: Any  # the side table's column naming the listed row
    row_id: Any  # the listed table's id (the last column of the list's order)


def exact_key(name: str) -> str:
    return "=" + name


def prefix_key(name: str) -> str:
    return "^" + name[:PREFIX_CHARS]


def _names(schema: str, table: str) -> dict[str, str]:
    return {
        "keys": f"{schema}.{table}_name_key",
        "derive": f"{schema}.{table}_name_keys",
        "sync": f"{schema}.{table}_name_key_sync",
        "table": f"{schema}.{table}",
        "trigger": f"{table}_name_key",
    }


def create_sql(schema: str, table: str) -> list[str]:
    """The statements a migration runs after creating `<table>_name_key(key, <table>_id)`:
    the function deriving the keys from a document, the triggers, and the backfill."""
    n = _names(schema, table)
    owner = f"{table}_id"
    return [
        # one key per distinct name form and prefix; the forms are tsvector lexemes, so at
        # most 2,046 bytes: within a B-tree entry
        f"""CREATE FUNCTION {n["derive"]}(doc tsvector) RETURNS SETOF text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT DISTINCT k.key FROM unnest(doc) AS u, LATERAL (
              SELECT '=' || substr(u.lexeme, 4)
              UNION ALL
              SELECT '^' || substr(u.lexeme, 4, n)
                FROM generate_series(1, least(length(u.lexeme) - 3, {PREFIX_CHARS})) AS n
          ) AS k(key)
          WHERE u.lexeme LIKE 'nm:%'
        $$""",
        # statement triggers with transition tables: a 20,000-row INSERT … SELECT is one pass
        # statement triggers with transition tables: a 20,000-row INSERT … SELECT is one pass;
        # an update re-keys only the rows whose document changed
        f"""CREATE FUNCTION {n["sync"]}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            INSERT INTO {n["keys"]} (key, {owner})
            SELECT d.key, w.id FROM new_rows AS w, {n["derive"]}(w.search) AS d(key);
          ELSIF TG_OP = 'UPDATE' THEN
            DELETE FROM {n["keys"]} AS k
             USING old_rows AS o JOIN new_rows AS w ON w.id = o.id,
                   {n["derive"]}(o.search) AS d(key)
             WHERE w.search <> o.search AND k.key = d.key AND k.{owner} = o.id;
            INSERT INTO {n["keys"]} (key, {owner})
            SELECT d.key, w.id FROM new_rows AS w JOIN old_rows AS o ON o.id = w.id,
                   {n["derive"]}(w.search) AS d(key)
             WHERE w.search <> o.search;
          ELSIF TG_OP = 'DELETE' THEN
            DELETE FROM {n["keys"]} AS k USING old_rows AS o, {n["derive"]}(o.search) AS d(key)
             WHERE k.key = d.key AND k.{owner} = o.id;
          ELSE  -- TRUNCATE
            TRUNCATE {n["keys"]};
          END IF;
          RETURN NULL;
        END $$""",
        f"""CREATE TRIGGER {n["trigger"]}_insert AFTER INSERT ON {n["table"]}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {n["sync"]}()""",
        f"""CREATE TRIGGER {n["trigger"]}_update AFTER UPDATE ON {n["table"]}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {n["sync"]}()""",
        f"""CREATE TRIGGER {n["trigger"]}_delete AFTER DELETE ON {n["table"]}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {n["sync"]}()""",
        f"""CREATE TRIGGER {n["trigger"]}_truncate AFTER TRUNCATE ON {n["table"]}
        FOR EACH STATEMENT EXECUTE FUNCTION {n["sync"]}()""",
        f"""INSERT INTO {n["keys"]} (key, {owner})
        SELECT d.key, t.id FROM {n["table"]} AS t, {n["derive"]}(t.search) AS d(key)""",
        f"ANALYZE {n['keys']}",
    ]


def drop_sql(schema: str, table: str) -> list[str]:
    """What `create_sql` made, dropped (before the side table itself)."""
    n = _names(schema, table)
    return [
        *(f"DROP TRIGGER {n['trigger']}_{op} ON {n['table']}" for op in _OPS),
        f"DROP FUNCTION {n['sync']}()",
        f"DROP FUNCTION {n['derive']}(tsvector)",
    ]


_OPS = ("insert", "update", "delete", "truncate")
