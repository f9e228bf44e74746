"""The enrollment lifecycle: the one table of allowed moves, and the offer's expiry that goes
with the `offered` state (a CHECK keeps the two together in the database too)."""

from __future__ import annotations

from datetime import datetime

from common.i18n import N_
from common.lifecycle import Lifecycle
from services.childcare.models import Enrollment
from services.childcare.values import EnrollmentStatus

S = EnrollmentStatus
ENROLLMENT = Lifecycle(
    N_("enrollment"),
    EnrollmentStatus,
    {
        # created as `enrolled` (a place was free) or `waitlisted`
        S.waitlisted: {S.offered, S.withdrawn, S.ineligible},
        S.offered: {S.enrolled, S.declined, S.withdrawn, S.expired},
        S.enrolled: {S.withdrawn},
        S.declined: set(),
        S.withdrawn: set(),
        S.expired: set(),
        S.ineligible: set(),
    },
)


def move(
    enrollment: Enrollment, to: str, now: datetime, *, offer_expires_at: datetime | None = None
) -> str:
    """Moves an enrollment along the lifecycle; returns the status it had."""
    was = ENROLLMENT.transition(enrollment, to, now)
    enrollment.offer_expires_at = offer_expires_at if to == "offered" else None
    return was
