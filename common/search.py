"""Search the way people type (issue 16 §4): one or two Chinese characters (会计, 托), full pinyin
(`baobaoxiong`, `xi'an`, as typed so far: `baobaox`) or initials (`bbx`), from one GIN index.

Each searchable row keeps a `tsvector` column, computed here by the application whenever a
searched text is written (`computed_on_insert`, `recomputed_on_update`) and backfilled by the
migration that adds it (`backfill`). Its lexemes,
at the character positions of each text (each text 1,000 positions after the previous one, so a
phrase never runs from one text into the next):

- every character and every pair of adjacent characters, lowercased (`托`, `托育`);
- `py:<syllable>` for each Chinese character, the toneless pinyin in context (会计 → kuai ji);
- `in:<ab>` for each pair of adjacent Chinese characters, their initials (抱抱 → `in:bb`);
- `nm:<whole name>`, `nm:<its pinyin>`, `nm:<its initials>` for the first text (the name),
  what ranking asks "equals" and "starts with" of.

A term becomes one `tsquery` (`SearchTerms.match`): its characters as a phrase of pairs (any
substring, exactly, as `ILIKE '%term%'` did), or, for Latin letters, the phrase of its pinyin
syllables (each way it splits into syllables, the last one possibly unfinished) or of its
initials. The lexemes are cast as written (no text-search configuration, no parser), so what
is stored is what is asked for. Prefixed lexemes are 3+ characters: they never meet a 1–2
character n-gram.

The SQL a list searches and ranks with is `common/ranked_listing.py`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Query
from pypinyin import lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict
from sqlalchemy import event, inspect

FIELD_STRIDE = 1000  # positions between two texts of a row (tsvector positions stop at 16,383)
MAX_FIELD_CHARS = FIELD_STRIDE - 1
MAX_SEGMENTATIONS = 4  # ways a pinyin term is split into syllables, fewest syllables first
INTERJECTIONS = frozenset({"m", "n", "ng", "hm", "hng"})  # 呣 嗯 哼: no syllable of a name
_LATIN_TERM = re.compile(r"[a-z' ]+")
_SEPARATORS = re.compile(r"[' ]+")


def normalize(text: str) -> str:
    """What is stored and searched: NFKC (full-width Latin → ASCII), lowercased."""
    return unicodedata.normalize("NFKC", text).lower()


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0002ffff"


def _quote(lexeme: str) -> str:
    """A lexeme in tsvector/tsquery text form: quoted, `'` doubled and `\\` escaped."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _syllables_of(text: str) -> list[str]:
    """The toneless pinyin of each character of `text` ('' for a character that is not Chinese),
    chosen in context by pypinyin's phrase dictionary (会计 → kuai ji, 银行 → yin hang)."""
    # pypinyin takes a list from `errors` (one item a character), though its stubs say str
    not_chinese: Any = lambda chunk: [""] * len(chunk)  # noqa: E731
    out = lazy_pinyin(text, errors=not_chinese)
    if len(out) != len(text):  # never seen; keep positions right rather than trust it
        return [lazy_pinyin(c)[0] if _is_han(c) else "" for c in text]
    return [s if _is_han(c) else "" for c, s in zip(text, out, strict=True)]


# --- the document (what a row stores) ---------------------------------------------------------


def document(name: str, *others: str | None) -> str:
    """The tsvector text of a row: its `name` (ranked) then its other searched texts."""
    positions: dict[str, list[int]] = {}

    def add(lexeme: str, at: int) -> None:
        if lexeme.strip():
            positions.setdefault(lexeme, []).append(at)

    whole: list[str] = []
    for index, raw in enumerate((name, *others)):
        if not raw:
            continue
        text = normalize(raw)[:MAX_FIELD_CHARS]
        base = index * FIELD_STRIDE + 1
        syllables = _syllables_of(text)
        for i, char in enumerate(text):
            add(char, base + i)
            if i + 1 < len(text):
                add(text[i : i + 2], base + i)
            if syllables[i]:
                add("py:" + syllables[i], base + i)
                if i + 1 < len(text) and syllables[i + 1]:
                    add("in:" + syllables[i][0] + syllables[i + 1][0], base + i)
        if index == 0:
            # Latin letters and digits stay as written in the spelled and initial forms
            kept = [c if c.isalnum() else "" for c in text]
            spelled = "".join(s or k for s, k in zip(syllables, kept, strict=True))
            initials = "".join(s[:1] or k for s, k in zip(syllables, kept, strict=True))
            whole = [w for w in (text.strip(), spelled, initials) if w]
    # at most 256 positions a lexeme (PostgreSQL's limit)
    parts = [
        f"{_quote(lex)}:{','.join(map(str, sorted(set(at))[:256]))}"
        for lex, at in positions.items()
    ]
    parts += [_quote("nm:" + w) for w in dict.fromkeys(whole)]
    return " ".join(parts)


# --- the query (what a term asks) -------------------------------------------------------------


@functools.cache
def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (ü as v, as pypinyin writes it), from pypinyin's data."""
    found: set[str] = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            plain = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
            plain = "".join(c for c in plain if not unicodedata.combining(c))
            if plain.isascii() and plain.isalpha():
                found.add(plain.lower())
    return frozenset(found - INTERJECTIONS)


@functools.cache
def _prefixes() -> frozenset[str]:
    """What a syllable being typed may be (the interjections ng, m, hm… are not words)."""
    return frozenset(s[:n] for s in syllables() for n in range(1, len(s) + 1))


def segmentations(letters: str, *, open_end: bool) -> list[list[str]]:
    """The ways `letters` splits into pinyin syllables, fewest first (at most a few); with
    `open_end` the last piece may be a syllable still being typed (`baobaox` → …, `x`)."""
    whole, begun = syllables(), _prefixes()
    found: list[list[str]] = []
    dead: set[int] = set()  # positions no split finishes from: each is tried once

    def walk(start: int, pieces: list[str]) -> bool:
        if start == len(letters):
            found.append(pieces)
            return True
        finished = False
        for end in range(min(len(letters), start + 6), start, -1):
            if len(found) >= 64:
                return True
            piece = letters[start:end]
            if end not in dead and (
                piece in whole or (open_end and end == len(letters) and piece in begun)
            ):
                finished = walk(end, [*pieces, piece]) or finished
        if not finished:
            dead.add(start)
        return finished

    walk(0, [])
    found.sort(key=len)
    # one more syllable than the fewest at most: kuaiji is kuai ji or ku ai ji, not k-u-a…
    fewest = len(found[0]) if found else 0
    return [way for way in found if len(way) <= fewest + 1][:MAX_SEGMENTATIONS]


@dataclass(frozen=True)
class SearchTerms:
    """The tsquery texts of one term: what matches, and what ranks a name first."""

    match: str  # any substring of a searched text, or the name's pinyin or initials
    exact: str  # the name is the term (as written, in pinyin or in initials)
    prefix: str  # the name starts with it
    # the one name form whose keys the first two ranks read (common/name_keys.py): the letters
    # of a Latin term typed with separators (xi'an → xian: every name that is or starts with
    # xi'an has the spelled form xian…), else the term
    name: str


def _phrase(lexemes: list[str], *, open_end: bool = False) -> str:
    quoted = [_quote(lex) for lex in lexemes]
    if open_end:
        quoted[-1] += ":*"
    return " <-> ".join(quoted)


@functools.lru_cache(maxsize=1024)
def terms(raw: str) -> SearchTerms:
    """The queries of what someone typed."""
    term = normalize(raw)
    term = term.strip() or term  # a term of spaces alone is searched as written
    chars = [term] if len(term) == 1 else [term[i : i + 2] for i in range(len(term) - 1)]
    branches = [_phrase(chars)]
    whole = [term]
    if _LATIN_TERM.fullmatch(term):
        parts = [p for p in _SEPARATORS.split(term) if p]
        letters = "".join(parts)
        if len(letters) >= 2:
            whole.append(letters)
            ways: list[list[str]] = [[]]
            for n, part in enumerate(parts):
                options = segmentations(part, open_end=n == len(parts) - 1)
                ways = [w + o for w in ways for o in options][:MAX_SEGMENTATIONS]
            for way in ways:
                if way:
                    # a syllable still being typed (baobaox) is a prefix; a whole one is itself
                    # (a prefix of a common one, ji:*, would read half the index)
                    unfinished = way[-1] not in syllables()
                    branches.append(_phrase(["py:" + s for s in way], open_end=unfinished))
            if len(parts) == 1 and len(letters) <= 12:
                pairs = ["in:" + letters[i : i + 2] for i in range(len(letters) - 1)]
                branches.append(_phrase(pairs))
    names = list(dict.fromkeys(whole))
    return SearchTerms(
        match=" | ".join(f"( {b} )" for b in branches),
        exact=" | ".join(_quote("nm:" + w) for w in names),
        prefix=" | ".join(_quote("nm:" + w) + ":*" for w in names),
        name=names[-1],
    )


def search_param(what: str) -> Any:
    """The `q` query parameter of a list searching `what`."""
    return Query(
        min_length=1,
        max_length=50,
        description=(
            f"What people type, matched against {what}: any part of it in Chinese (one or two "
            "characters are enough: `托`, `会计`), its pinyin, whole or still being typed "
            "(`baobaoxiong`, `baobaox`, `xi'an`), or its initials (`bbx`). Without a centre, "
            "names that are the term come first, then names that start with it, then the rest."
        ),
    )


# --- maintained on write -------------------------------------------------------------------------


def computed_on_insert(texts: tuple[str, ...]) -> Callable[[Any], str]:
    """The column default of a document: computed from the inserted values of its `texts` (the
    first is the name), for an ORM and a Core insert alike, one row or many."""

    def compute(context: Any) -> str:
        values = context.get_current_parameters()
        return document(*(values.get(t) for t in texts))

    return compute


def recomputed_on_update(model: type[Any], column: str, texts: tuple[str, ...]) -> None:
    """An ORM update that changes one of `texts` recomputes the document in the same UPDATE."""

    @event.listens_for(model, "before_update")
    def recompute(mapper: Any, connection: Any, target: Any) -> None:
        state = inspect(target)
        if any(state.attrs[t].history.has_changes() for t in texts):
            setattr(target, column, document(*(getattr(target, t) for t in texts)))


def backfill(bind: Any, table: str, texts: tuple[str, ...], *, batch: int = 5000) -> int:
    """Writes the document of every row of `table` ("schema.name") from its `texts` (the
    migration that adds the column); returns the number of rows."""
    from sqlalchemy import text

    rows = bind.execute(text(f"SELECT id, {', '.join(texts)} FROM {table} ORDER BY id")).all()
    update = text(
        f"UPDATE {table} AS t SET search = v.doc::tsvector "
        "FROM unnest(CAST(:ids AS bigint[]), CAST(:docs AS text[])) AS v(id, doc) "
        "WHERE t.id = v.id"
    )
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        bind.execute(
            update,
            {"ids": [r[0] for r in chunk], "docs": [document(*r[1:]) for r in chunk]},
        )
    return len(rows)
