"""Elder errors."""

from __future__ import annotations

from common.errors import Conflict, Forbidden, NotFound, Unprocessable


class ElderNotFound(NotFound, code="elder_not_found", message="Elder {id} does not exist."): ...


class ElderProfileExists(Conflict):
    """The person already has their own profile (one per citizen account)."""

    code = "elder_profile_exists"


class ElderAlreadyRegistered(Conflict):
    """The caller already registered an elder with this national ID."""

    code = "elder_already_registered"


class NotAnElder(Unprocessable, code="not_an_elder"): ...


class BirthDateInFuture(Unprocessable, code="birth_date_in_future"): ...


class InvalidIdNumber(Unprocessable, code="invalid_id_number"): ...


class RoleNotHeld(Forbidden):
    """`acting_as` names a role the caller's token does not hold."""

    code = "role_not_held"


class SubjectOnlyForStaff(Unprocessable, code="elder_citizen_id_only_for_staff"): ...


class VisitInFuture(Unprocessable, code="visit_in_future"): ...


class MissedReasonMismatch(Unprocessable, code="missed_reason_mismatch"): ...
