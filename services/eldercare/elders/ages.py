"""The one definition of an elder's age: whole years completed on a date."""

from __future__ import annotations

from datetime import date


def age_years(birth: date, on: date) -> int:
    years = on.year - birth.year
    return years - 1 if (on.month, on.day) < (birth.month, birth.day) else years


def born_on_or_before(on: date, years: int) -> date:
    """The latest birth date of someone at least `years` old on `on` (29 Feb → 28 Feb)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)
