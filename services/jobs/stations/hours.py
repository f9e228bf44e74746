"""Opening hours in the city's local time (Asia/Shanghai) and the "open now" rule.

A date exception (holiday closure or special hours) replaces that date's weekly schedule
entirely; otherwise the weekly intervals of that ISO weekday apply. Intervals are half-open
minutes after local midnight, [opens, closes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Protocol

from common.clock import CITY_TZ
from common.i18n import t
from services.jobs.stations.errors import InvalidException, InvalidHours

MINUTES_PER_DAY = 1440
# (date, closed, opens, closes, note) of one date exception, times in minutes
ExceptionRow = tuple[date, bool, int | None, int | None, str | None]


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


class Interval(Protocol):
    @property
    def opens(self) -> int: ...
    @property
    def closes(self) -> int: ...


class WeeklyInterval(Interval, Protocol):
    @property
    def weekday(self) -> int: ...


class DateException(Protocol):
    @property
    def on_date(self) -> date: ...
    @property
    def closed(self) -> bool: ...
    @property
    def opens(self) -> int | None: ...
    @property
    def closes(self) -> int | None: ...


def is_open(
    weekly: Iterable[WeeklyInterval], exceptions: Iterable[DateException], at: LocalMoment
) -> bool:
    """The same rule as the SQL filter in `repository.open_now_condition`."""
    today = [e for e in exceptions if e.on_date == at.on_date]
    if today:
        return any(
            not e.closed
            and e.opens is not None
            and e.closes is not None
            and e.opens <= at.minute < e.closes
            for e in today
        )
    return any(h.weekday == at.weekday and h.opens <= at.minute < h.closes for h in weekly)


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


def weekly_rows(intervals: Iterable[tuple[int, str, str]]) -> list[tuple[int, int, int]]:
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


def exception_rows(
    exceptions: Iterable[tuple[date, bool, str | None, str | None, str | None]],
) -> list[ExceptionRow]:
    """Staff input as rows: a closure has no times, special hours have both, one per date."""
    rows: list[ExceptionRow] = []
    seen: set[date] = set()
    for on_date, closed, opens, closes, note in exceptions:
        if on_date in seen:
            raise InvalidException(
                t("{on_date}: more than one exception for this date.", on_date=on_date)
            )
        seen.add(on_date)
        if closed:
            if opens is not None or closes is not None:
                raise InvalidException(
                    t("{on_date}: a closure has no opening times.", on_date=on_date)
                )
            rows.append((on_date, True, None, None, note))
            continue
        if opens is None or closes is None:
            raise InvalidException(
                t("{on_date}: special hours need both opens and closes.", on_date=on_date)
            )
        start, end = parse_minutes(opens), parse_minutes(closes)
        if start >= end:
            raise InvalidException(
                t(
                    "{on_date}: {opens}–{closes} is empty.",
                    on_date=on_date,
                    opens=opens,
                    closes=closes,
                )
            )
        rows.append((on_date, False, start, end, note))
    return sorted(rows)
