"""The city's hours for notifications (DESIGN §10), as pure functions of a moment: reminders at
18:00 city time the day before; nothing but urgent kinds (offers) pushed between 22:00 and 07:00,
held until 07:00."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from common.clock import CITY_TZ

REMINDER_AT = time(18, 0)
QUIET_FROM = time(22, 0)
QUIET_UNTIL = time(7, 0)


def evening_before(day: date) -> datetime:
    """18:00 city time on the day before `day` (UTC)."""
    return datetime.combine(day - timedelta(days=1), REMINDER_AT, CITY_TZ).astimezone(UTC)


def push_release(moment: datetime, *, urgent: bool) -> datetime:
    """When a push due at `moment` may go: at once, or at 07:00 city time if `moment` falls in
    the quiet hours and the kind is not urgent."""
    if urgent:
        return moment
    local = moment.astimezone(CITY_TZ)
    if local.time() >= QUIET_FROM:
        release = datetime.combine(local.date() + timedelta(days=1), QUIET_UNTIL, CITY_TZ)
    elif local.time() < QUIET_UNTIL:
        release = datetime.combine(local.date(), QUIET_UNTIL, CITY_TZ)
    else:
        return moment
    return release.astimezone(UTC)


def city_time(moment: datetime) -> str:
    """A moment as people read it in the city: `2026-12-05 18:00`."""
    return moment.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M")


def reminder_day(now: datetime) -> date | None:
    """The day whose "tomorrow" reminders are due at `now`: tomorrow from 18:00 city time on,
    none before (a reminder is written only once due, so a cancelled seat gets none)."""
    local = now.astimezone(CITY_TZ)
    if local.time() < REMINDER_AT:
        return None
    return local.date() + timedelta(days=1)


def city_day(day: date) -> tuple[datetime, datetime]:
    """The moments (UTC) a city day starts and ends."""
    start = datetime.combine(day, time(0, 0), CITY_TZ)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)
