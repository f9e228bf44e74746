"""Programme and application errors. Illegal moves of an application are `409
invalid_transition` (`common.lifecycle.IllegalTransition`)."""

from __future__ import annotations

from common.errors import Conflict, NotFound, Unprocessable


class ProgrammeNotFound(
    NotFound, code="programme_not_found", message="Programme {id} does not exist."
): ...


class ApplicationNotFound(
    NotFound, code="application_not_found", message="Application {id} does not exist."
): ...


class InvalidRule(Unprocessable, code="invalid_rule"): ...


class NotEligible(Unprocessable, code="not_eligible"):
    """Every rule's result travels in `rules`; `failing` names the rules not met."""


class FactsMissing(Unprocessable, code="facts_missing"):
    """No rule failed, but some need facts the application did not give (`missing_facts`)."""


class AmountRequired(Unprocessable, code="amount_required"): ...


class AmountNotAllowed(Unprocessable, code="amount_not_allowed"): ...


class ProgrammeClosed(Conflict, code="programme_closed"): ...


class AlreadyApplied(Conflict, code="already_applied"): ...


class AlreadyAwarded(Conflict, code="already_awarded"): ...


class BudgetExhausted(Conflict, code="budget_exhausted"): ...


class BudgetBelowCommitted(Conflict, code="budget_below_committed"): ...


class AlreadyDisbursed(Conflict, code="already_disbursed"):
    """Paid already: the problem carries the one `payment_reference`."""


class ApplicationNotPending(
    Conflict,
    code="application_not_pending",
    message=(
        "Application {id} is {application_status}: only an application not yet decided can be "
        "withdrawn."
    ),
): ...
