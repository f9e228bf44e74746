"""Graduate-registration errors."""

from __future__ import annotations

from common.errors import Conflict, NotFound, Unprocessable


class GraduateNotRegistered(
    NotFound,
    code="graduate_not_registered",
    message="You have not registered as a graduate.",
): ...


class GraduateAlreadyRegistered(Conflict, code="graduate_already_registered"): ...


class GraduationDateOutOfRange(Unprocessable, code="graduation_date_out_of_range"): ...
