"""The city's hours for notifications, as pure functions of a moment (city time, UTC+8)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from common.clock import CITY_TZ
from common.notifications.hours import city_day, evening_before, push_release, reminder_day


def city(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=CITY_TZ)


@pytest.mark.parametrize(
    ("moment", "released"),
    [
        (city(7, 21, 59), city(7, 21, 59)),  # before the quiet hours: at once
        (city(7, 22, 0), city(8, 7, 0)),  # from 22:00 …
        (city(7, 23, 30), city(8, 7, 0)),
        (city(8, 0, 10), city(8, 7, 0)),  # … past midnight …
        (city(8, 6, 59), city(8, 7, 0)),
        (city(8, 7, 0), city(8, 7, 0)),  # … until 07:00
    ],
)
def test_quiet_hours_hold_a_push_until_seven(moment: datetime, released: datetime) -> None:
    assert push_release(moment.astimezone(UTC), urgent=False) == released
    assert push_release(moment.astimezone(UTC), urgent=True) == moment  # an offer goes at once


def test_reminders_are_due_at_18_00_the_day_before() -> None:
    assert evening_before(date(2026, 12, 8)) == city(7, 18, 0)
    assert reminder_day(city(7, 17, 59).astimezone(UTC)) is None
    assert reminder_day(city(7, 18, 0).astimezone(UTC)) == date(2026, 12, 8)
    assert reminder_day(city(7, 23, 59).astimezone(UTC)) == date(2026, 12, 8)
    assert city_day(date(2026, 12, 8)) == (city(8, 0, 0), city(9, 0, 0))


def test_a_text_missing_a_value_shows_its_name_instead_of_failing() -> None:
    from services.childcare.notifications.kinds import CATALOG, OFFER_MADE

    text = CATALOG.render(OFFER_MADE, {"child_name": "小明"}, "en")
    assert text.body.startswith("小明 is offered a place at {institution_name}.")
    assert CATALOG.render("childcare.from_a_newer_release", {}, "en").title == (
        "childcare.from_a_newer_release"
    )
