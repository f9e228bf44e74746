"""Weekly opening hours in the city's local time (Asia/Shanghai) and the "open now" rule,
shared by every record with a timetable (Red Bee Stations, childcare institutions, eldercare
facilities).

An interval is half-open minutes after local midnight, [opens, closes), on one ISO weekday
(1 = Monday … 7 = Sunday); it never crosses midnight (a night shift is two intervals). A record
that keeps its week as JSON holds `[[weekday, opens, closes], ...]`, which `open_at_condition`
reads in SQL and `is_open_weekly` in Python — the same rule twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Integer, and_, cast, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

from common.clock import CITY_TZ
from common.errors import Unprocessable
from common.i18n import t
from common.listing import Bound
from common.validation import IntegerOnly

MINUTES_PER_DAY = 1440
# (weekday, opens, closes), minutes after local midnight
WeeklyRow = tuple[int, int, int]


class InvalidHours(Unprocessable, code="invalid_hours"): ...


@dataclass(frozen=True)
class LocalMoment:
    """A moment as the city's clocks show it."""

    on_date: date
    weekday: int  # ISO: 1 = Monday … 7 = Sunday
    minute: int  # minutes after local midnight, 0–1439

    @classmethod
    def of(cls, now: datetime) -> LocalMoment:
        if now.tzinfo is None:
            raise ValueError("an aware datetime is required")
        local = now.astimezone(CITY_TZ)
        return cls(local.date(), local.isoweekday(), local.hour * 60 + local.minute)

    @property
    def week_minute(self) -> int:
        """Minutes since Monday 00:00 plus one day: the one number `open_at_condition` binds."""
        return self.weekday * MINUTES_PER_DAY + self.minute


def format_minutes(minutes: int) -> str:
    """`HH:MM`; 1440 is written `24:00` (open until midnight)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_minutes(text: str) -> int:
    """`HH:MM` (00:00–24:00) to minutes after midnight."""
    hours, _, minutes = text.partition(":")
    value = int(hours) * 60 + int(minutes)
    if not (0 <= int(minutes) < 60 and 0 <= value <= MINUTES_PER_DAY):
        raise ValueError(f"{text!r} is not a time between 00:00 and 24:00")
    return value


def weekly_rows(intervals: Iterable[tuple[int, str, str]]) -> list[WeeklyRow]:
    """Staff input `(weekday, "HH:MM", "HH:MM")` as rows, refusing an empty or overlapping
    interval (`invalid_hours`): "open now" must have one answer."""
    rows = sorted((weekday, parse_minutes(o), parse_minutes(c)) for weekday, o, c in intervals)
    for weekday, opens, closes in rows:
        if opens >= closes:
            raise InvalidHours(
                t(
                    "Weekday {weekday}: {opens}–{closes} is empty; an interval never crosses "
                    "midnight (split a night shift into two days).",
                    weekday=weekday,
                    opens=format_minutes(opens),
                    closes=format_minutes(closes),
                )
            )
    for (day_a, _, closes_a), (day_b, opens_b, _) in pairwise(rows):
        if day_a == day_b and opens_b < closes_a:
            raise InvalidHours(
                t(
                    "Weekday {day_a}: intervals overlap at {opens}.",
                    day_a=day_a,
                    opens=format_minutes(opens_b),
                )
            )
    return rows


def weekly_from_text(text: str, weekdays: Iterable[int]) -> list[WeeklyRow]:
    """`07:30-18:00` or `11:00-13:00,17:00-18:30` on each of `weekdays` (demo data, imports)."""
    spans = [span.split("-") for span in text.split(",")]
    return weekly_rows((day, opens, closes) for day in weekdays for opens, closes in spans)


WEEKDAYS = range(1, 6)  # Monday to Friday
EVERY_DAY = range(1, 8)


def stored_week(text: str, weekdays: Iterable[int]) -> list[list[int]]:
    """The JSON week of a free-text `HH:MM-HH:MM[,…]` on `weekdays`; empty when the text is
    not in that form (free text stays the institution's own words)."""
    try:
        return [list(row) for row in weekly_from_text(text, weekdays)]
    except (ValueError, InvalidHours):
        return []


def week_of(value: Any) -> list[WeeklyRow]:
    """A stored JSON week as rows (asyncpg's read path hands `jsonb` over as text)."""
    parsed = json.loads(value) if isinstance(value, str) else value
    return [(int(d), int(o), int(c)) for d, o, c in parsed or []]


def is_open_weekly(rows: Iterable[Sequence[int]], at: LocalMoment) -> bool:
    return any(day == at.weekday and opens <= at.minute < closes for day, opens, closes in rows)


# strict: lax mode would unwrap each [weekday, opens, closes] into its numbers
_WEEK_PATH = "strict $[*] ? (@[0] * 1440 + @[1] <= $at && $at < @[0] * 1440 + @[2])"


def open_at_condition(column: Any) -> Callable[[Any], ColumnElement[bool]]:
    """The SQL twin of `is_open_weekly` over a JSON week column, for a `Listing` filter bound to
    a `LocalMoment.week_minute`: one jsonpath test, no unnest."""

    def condition(at: Any) -> ColumnElement[bool]:
        # the path is a constant written into the statement; the moment is its one parameter
        return func.jsonb_path_exists(
            column,
            literal_column(f"'{_WEEK_PATH}'::jsonpath"),
            func.jsonb_build_object(literal_column("'at'"), cast(at, Integer)),
        )

    return condition


def open_now_filters(column: Any) -> dict[str, Bound]:
    """The `open_at` / `closed_at` filters of a `Listing` over a JSON week column, each bound to
    a `LocalMoment.week_minute`. A record without a week is neither open nor closed."""
    open_at = open_at_condition(column)
    known = func.jsonb_array_length(column) > 0
    return {
        "open_at": Bound(open_at, type_=Integer()),
        "closed_at": Bound(lambda at: and_(known, ~open_at(at)), type_=Integer()),
    }


# --- HTTP shapes -------------------------------------------------------------------------------

TIME_PATTERN = r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$"
TIME_DESCRIPTION = "Local time Asia/Shanghai, HH:MM; 24:00 means until midnight."
LocalTime = Annotated[
    str, Field(pattern=TIME_PATTERN, description=TIME_DESCRIPTION, examples=["08:00"])
]
# the same in an answer: written by `format_minutes`, so the pattern is documented, not re-checked
ShownTime = Annotated[
    str,
    Field(
        description=TIME_DESCRIPTION,
        examples=["08:00"],
        json_schema_extra={"pattern": TIME_PATTERN},
    ),
]
Weekday = Annotated[
    int, Field(ge=1, le=7, description="ISO: 1 = Monday … 7 = Sunday."), IntegerOnly
]


class OpeningInterval(BaseModel):
    """Open on `weekday` (ISO, 1 = Monday … 7 = Sunday) from `opens` until `closes`.

    An interval never crosses midnight: a night shift is two intervals on consecutive days.
    """

    weekday: int = Field(ge=1, le=7)
    opens: ShownTime
    closes: ShownTime

    @classmethod
    def rows(cls, rows: Iterable[Sequence[int]]) -> list[OpeningInterval]:
        return [
            cls(weekday=day, opens=format_minutes(opens), closes=format_minutes(closes))
            for day, opens, closes in rows
        ]


class OpeningIntervalIn(BaseModel):
    """`opens` before `closes` on the same day (`422 invalid_hours`); intervals of one weekday
    must not overlap."""

    model_config = ConfigDict(extra="forbid")

    weekday: Weekday
    opens: LocalTime
    closes: LocalTime


WeeklyHoursIn = Annotated[list[OpeningIntervalIn], Field(max_length=70)]


def rows_of(intervals: Iterable[OpeningIntervalIn]) -> list[WeeklyRow]:
    return weekly_rows((i.weekday, i.opens, i.closes) for i in intervals)
