"""Care request and renovation errors. Illegal moves are `409 invalid_transition`
(`common.lifecycle.IllegalTransition`)."""

from __future__ import annotations

from common.errors import Conflict, Forbidden, NotFound, Unprocessable


class CareRequestNotFound(
    NotFound, code="care_request_not_found", message="Care request {id} does not exist."
): ...


class RenovationNotFound(
    NotFound, code="renovation_not_found", message="Renovation {id} does not exist."
): ...


class DateInPast(Unprocessable, code="date_in_past"): ...


class PriceRequiredForMarket(Unprocessable):
    """A paid market service (the X of 2+X+N) is assigned with its price."""

    code = "price_required_for_market"


class PriceOnlyForMarket(Unprocessable, code="price_only_for_market"): ...


class StaffOnly(Forbidden):
    """A citizen may only cancel; assessing, scheduling and completing are staff's."""

    code = "staff_only"


class ScheduledForRequired(Unprocessable, code="scheduled_for_required"): ...


class ScheduledForNeedsScheduled(Unprocessable, code="scheduled_for_needs_scheduled"): ...


class RenovationClosed(Conflict, code="renovation_closed"): ...


class CompletedBeforeScheduled(Conflict, code="completed_before_scheduled"): ...
