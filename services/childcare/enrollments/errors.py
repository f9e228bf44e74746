"""Enrollment errors. Illegal moves of the lifecycle are `409 invalid_transition`
(`common.lifecycle.IllegalTransition`)."""

from __future__ import annotations

from common.errors import Conflict, NotFound, Unprocessable


class EnrollmentNotFound(
    NotFound, code="enrollment_not_found", message="Enrollment {id} does not exist."
): ...


class ChildAlreadyEnrolled(Conflict, code="child_already_enrolled"): ...


class DuplicateApplication(Conflict, code="duplicate_application"): ...


# the expiry and the hand-over of the place stand, though accepting failed
class OfferExpired(Conflict, code="offer_expired", commits=True): ...


class StartDateInPast(Unprocessable, code="start_date_in_past"): ...
