"""Child errors."""

from __future__ import annotations

from common.errors import Conflict, NotFound, Unprocessable


class ChildNotFound(NotFound, code="child_not_found", message="Child {id} does not exist."): ...


class ChildAlreadyRegistered(Conflict, code="child_already_registered"): ...


class ChildTooYoung(Unprocessable, code="child_too_young"): ...


class ChildTooOld(Unprocessable, code="child_too_old"): ...


class ChildHasPlace(
    Conflict,
    code="child_has_place",
    message=(
        "Child {id} holds or is offered a place; withdraw from it or decline the offer before "
        "erasing the child's record."
    ),
): ...


class ChildIdentityInUse(
    Conflict,
    code="child_identity_in_use",
    message=(
        "The national ID of child {id} cannot change while the child has an active application; "
        "withdraw the applications first."
    ),
): ...
