"""Child errors."""

from __future__ import annotations

from common.errors import Conflict, NotFound, Unprocessable


class ChildNotFound(NotFound, code="child_not_found", message="Child {id} does not exist."): ...


class ChildAlreadyRegistered(Conflict, code="child_already_registered"): ...


class ChildTooYoung(Unprocessable, code="child_too_young"): ...


class ChildTooOld(Unprocessable, code="child_too_old"): ...
