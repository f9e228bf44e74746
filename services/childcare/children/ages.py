"""The one definition of a child's age and of "inside the age range" (DESIGN §3): whole months
completed on a date, and `min_age_months ≤ age ≤ max_age_months`. Registration accepts the
same range the service serves (0–36 months); applying checks it on the start date; an offer
checks it again on the start date it carries."""

from __future__ import annotations

from datetime import date

from common.i18n import t
from services.childcare.children.errors import ChildTooOld, ChildTooYoung

MAX_AGE_MONTHS = 36


def months_between(birth: date, on: date) -> int:
    """Completed months of age on `on` (negative before birth)."""
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    return months - 1 if on.day < birth.day else months


def in_range(birth: date, on: date, min_months: int, max_months: int) -> bool:
    return min_months <= months_between(birth, on) <= max_months


def check_in_range(birth: date, on: date, min_months: int, max_months: int, *, what: str) -> None:
    """Raises `child_too_young` / `child_too_old` with the age on `on` when out of range."""
    age = months_between(birth, on)
    if age < min_months:
        raise ChildTooYoung(
            t(
                "On {on} the child will be {age} months old; {what} takes children from "
                "{min_months} months.",
                on=on,
                age=max(age, 0),
                what=what,
                min_months=min_months,
            ),
            age_months=max(age, 0),
        )
    if age > max_months:
        raise ChildTooOld(
            t(
                "On {on} the child will be {age} months old; {what} takes children up to "
                "{max_months} months.",
                on=on,
                age=age,
                what=what,
                max_months=max_months,
            ),
            age_months=age,
        )
