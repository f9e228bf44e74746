"""Fair errors. Cancelling a cancelled registration is `409 invalid_transition`
(`common.lifecycle.IllegalTransition`)."""

from __future__ import annotations

from common.errors import Conflict, NotFound, Unprocessable


class FairNotFound(NotFound, code="fair_not_found", message="Fair {id} does not exist."): ...


class RegistrationNotFound(
    NotFound, code="registration_not_found", message="Registration {id} does not exist."
): ...


class FairFull(Conflict, code="fair_full"): ...


class AlreadyRegistered(Conflict, code="already_registered"): ...


class RegistrationClosed(Conflict, code="registration_closed"): ...


class CapacityBelowRegistered(Conflict, code="capacity_below_registered"): ...


class InvalidFairTimes(Unprocessable, code="invalid_fair_times"): ...
