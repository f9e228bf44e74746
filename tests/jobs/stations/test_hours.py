"""The pure opening-hours rule, checked without a database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.jobs.stations.hours import LocalMoment, format_minutes, is_open, parse_minutes


@dataclass
class Weekly:
    weekday: int
    opens: int
    closes: int


@dataclass
class Exception_:
    on_date: date
    closed: bool
    opens: int | None = None
    closes: int | None = None


def test_local_moment_converts_any_offset_to_asia_shanghai() -> None:
    at = LocalMoment.of(datetime(2026, 6, 9, 16, 5, tzinfo=UTC))  # Wed 00:05 in Hohhot

    assert at == LocalMoment(date(2026, 6, 10), 3, 5)
    new_york = timezone(timedelta(hours=-4))
    assert LocalMoment.of(datetime(2026, 6, 9, 12, 5, tzinfo=new_york)) == at


def test_local_moment_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError):
        LocalMoment.of(datetime(2026, 6, 10, 12, 0))


def test_intervals_are_half_open() -> None:
    weekly = [Weekly(3, 480, 1200)]
    day = date(2026, 6, 10)

    assert is_open(weekly, [], LocalMoment(day, 3, 480))
    assert is_open(weekly, [], LocalMoment(day, 3, 1199))
    assert not is_open(weekly, [], LocalMoment(day, 3, 1200))
    assert not is_open(weekly, [], LocalMoment(day, 4, 600))


def test_an_exception_replaces_the_whole_day() -> None:
    weekly = [Weekly(3, 0, 1440)]
    day = date(2026, 6, 10)

    assert not is_open(weekly, [Exception_(day, True)], LocalMoment(day, 3, 600))
    assert is_open(weekly, [Exception_(day, False, 540, 660)], LocalMoment(day, 3, 600))
    assert not is_open(weekly, [Exception_(day, False, 540, 660)], LocalMoment(day, 3, 700))


def test_times_format_and_parse_with_24_00_for_midnight() -> None:
    assert format_minutes(1440) == "24:00"
    assert format_minutes(485) == "08:05"
    assert parse_minutes("24:00") == 1440
    assert parse_minutes("08:05") == 485
    with pytest.raises(ValueError):
        parse_minutes("24:30")
