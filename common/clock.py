"""The one city clock. Asia/Shanghai has had no DST since 1991, so a fixed +08:00 is exact for any
current date on a slim image without the tz database.

Services read "now" through `ClockDep` (never `datetime.now()` in a rule), so a test can pin the
time by replacing the app context's `clock` (`common.state`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Depends, Request

from common.state import context_of


def _city_zone() -> tzinfo:
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=8), "Asia/Shanghai")


CITY_TZ = _city_zone()


def utc_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    """Now (aware, UTC) and today (the city's date), from one time source."""

    def __init__(self, source: Callable[[], datetime] = utc_now) -> None:
        self._source = source

    def now(self) -> datetime:
        moment = self._source()
        if moment.tzinfo is None:
            raise ValueError("the clock must give aware datetimes")
        return moment

    def today(self) -> date:
        return self.now().astimezone(CITY_TZ).date()

    @staticmethod
    def fixed(moment: datetime) -> Clock:
        return Clock(lambda: moment)


async def get_clock(request: Request) -> Clock:
    return context_of(request.app).clock


ClockDep = Annotated[Clock, Depends(get_clock)]


def city_today() -> date:
    """Today in the city, for code outside a request (seeds, imports); rules use `ClockDep`."""
    return Clock().today()
