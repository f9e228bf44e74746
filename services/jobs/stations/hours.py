"""Opening hours of stations in the city's local time (Asia/Shanghai) and the "open now" rule
with date exceptions; the weekly part is `common.opening_hours`.

A date exception (holiday closure or special hours) replaces that date's weekly schedule
entirely; otherwise the weekly intervals of that ISO weekday apply. Intervals are half-open
minutes after local midnight, [opens, closes).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from common.i18n import t
from common.opening_hours import (
    MINUTES_PER_DAY,
    LocalMoment,
    format_minutes,
    parse_minutes,
    weekly_rows,
)
from services.jobs.stations.errors import InvalidException

# (date, closed, opens, closes, note) of one date exception, times in minutes
ExceptionRow = tuple[date, bool, int | None, int | None, str | None]


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


__all__ = [
    "MINUTES_PER_DAY",
    "LocalMoment",
    "exception_rows",
    "format_minutes",
    "is_open",
    "parse_minutes",
    "weekly_rows",
]
