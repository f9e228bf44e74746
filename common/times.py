"""Dates and times as every service takes them (DESIGN §2 "Times and dates"): ISO 8601 strings
only — a number is not a date, whatever pydantic's lax mode would make of it — a date-time
without an offset is city time (Asia/Shanghai) in every service alike, and implausible values
are refused with `422`.

The plausibility bounds are read from the real calendar (`city_today()`), not from a request's
injected clock: they catch typing errors (a birth year 0001, a date 9999-12-31), they are not
rules. Rules that depend on "today" (an age range, a start date not in the past) are checked by
the services against their `Clock`, so a test that moves the clock moves those, and stays far
inside these bounds.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from common.clock import CITY_TZ, city_today

MAX_AGE_YEARS = 130
MAX_YEARS_AHEAD = 2
_ISO_DATE_START = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_string(value: Any) -> Any:
    """Only an ISO 8601 string (or a value already parsed, from Python callers) is a date."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE_START.match(value):
        raise ValueError("must be an ISO 8601 string such as 2026-12-01 or 2026-12-01T09:00+08:00")
    return value


def _city_time(moment: datetime) -> datetime:
    """A time sent without an offset is the city's local time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CITY_TZ)


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


# a well-formed date outside the plausible range is a rule the schema cannot state, not malformed
# input: its own error type, answered as `422 implausible_date` (common.problems)
IMPLAUSIBLE_DATE = "implausible_date"


def _not_too_old(day: date) -> date:
    if day < _years_from(city_today(), -MAX_AGE_YEARS):
        raise PydanticCustomError(
            IMPLAUSIBLE_DATE, "must be within the last {years} years", {"years": MAX_AGE_YEARS}
        )
    return day


def _not_too_far_ahead(day: date) -> date:
    if day > _years_from(city_today(), MAX_YEARS_AHEAD):
        raise PydanticCustomError(
            IMPLAUSIBLE_DATE, "must be at most {years} years ahead", {"years": MAX_YEARS_AHEAD}
        )
    return day


def _moment_not_too_far_ahead(moment: datetime) -> datetime:
    _not_too_far_ahead(moment.astimezone(CITY_TZ).date())
    return moment


def _moment_not_too_old(moment: datetime) -> datetime:
    _not_too_old(moment.astimezone(CITY_TZ).date())
    return moment


_ISO = BeforeValidator(_iso_string)

# a date-time in any service: ISO 8601, no offset = Asia/Shanghai
CityDateTime = Annotated[
    datetime,
    _ISO,
    AfterValidator(_city_time),
    AfterValidator(_moment_not_too_old),
    Field(description="RFC 3339 / ISO 8601; a time without an offset is Asia/Shanghai time."),
]
# a scheduled date-time (a class, a fair, a visit): also at most two years ahead
ScheduledDateTime = Annotated[CityDateTime, AfterValidator(_moment_not_too_far_ahead)]
# a date whose range is a rule of its service (with its own code): ISO 8601 only
IsoDate = Annotated[date, _ISO]
# any other date: ISO 8601, within the last 130 years and at most two years ahead
PlausibleDate = Annotated[
    date, _ISO, AfterValidator(_not_too_old), AfterValidator(_not_too_far_ahead)
]
# a birth date: at most 130 years ago. One in the future is refused by each service against its
# clock, with its own code (`birth_date_in_future`, `not_an_elder`)
BirthDate = Annotated[date, _ISO, AfterValidator(_not_too_old)]
# a preferred or scheduled day (a start date, a visit of the renovation crew)
PlannedDate = PlausibleDate
