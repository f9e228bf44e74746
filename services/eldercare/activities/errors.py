"""Activity and registration errors. Illegal moves of either lifecycle are `409
invalid_transition` (`common.lifecycle.IllegalTransition`)."""

from __future__ import annotations

from common.errors import Conflict, NotFound, Unprocessable


class ActivityNotFound(
    NotFound, code="activity_not_found", message="Activity {id} does not exist."
): ...


class RegistrationNotFound(
    NotFound, code="registration_not_found", message="Registration {id} does not exist."
): ...


class ActivityFull(Conflict):
    """No seat and no room on the waitlist."""

    code = "activity_full"


class ActivityStarted(Conflict, code="activity_started"): ...


class ActivityCancelled(Conflict, code="activity_cancelled"): ...


class AlreadyRegistered(Conflict, code="already_registered"): ...


class CapacityBelowRegistered(Conflict, code="capacity_below_registered"): ...


class WaitlistBelowWaiting(Conflict, code="waitlist_below_waiting"): ...


class InvalidTimeRange(Unprocessable, code="invalid_time_range"): ...


class StartsInPast(Unprocessable, code="starts_in_past"): ...


class FacilityNotInCommunity(Unprocessable, code="facility_not_in_community"): ...
