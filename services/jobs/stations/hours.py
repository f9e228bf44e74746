"""Opening hours in the city's local time (Asia/Shanghai) and the "open now" rule.

A date exception (holiday closure or special hours) replaces that date's weekly schedule
entirely; otherwise the weekly intervals of that ISO weekday apply. Intervals are half-open
minutes after local midnight, [opens, closes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 1440


def _city_zone() -> tzinfo:
    # Asia/Shanghai has had no DST since 1991, so a fixed +08:00 is exact for any current date
    # on a slim image without the tz database
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=8), "Asia/Shanghai")


CITY_TZ = _city_zone()


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


def utc_now() -> datetime:
    return datetime.now(UTC)


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
