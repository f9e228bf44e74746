"""Enrollment errors."""

from __future__ import annotations

from common.errors import Conflict, NotFound


class EnrollmentNotFound(NotFound):
    code = "enrollment_not_found"


class ChildAlreadyEnrolled(Conflict):
    code = "child_already_enrolled"


class DuplicateApplication(Conflict):
    code = "duplicate_application"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class OfferExpired(Conflict):
    code = "offer_expired"
