"""Who may call each operation, as a small table of rules, and the answer each caller gets.

A rule names the roles a route admits (admin always passes `require_roles`), whether the record
it touches belongs to one citizen (then another caller with the role gets `404`, the record
does not exist for them, DESIGN §2) and which roles see everyone's records (staff, audited).
Every operation of the OpenAPI needs a line in `RULES`: a new route without one fails the
matrix, so it must be classified before it ships.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.contract.principals import OWNER, Caller


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] | None  # None: public, anonymous callers too
    owned: bool = False  # the record is the owner citizen's
    sees_all: frozenset[str] = frozenset()  # roles that reach anyone's record
    owner_status: int | None = None  # the owner's answer, when it is not the success status


PUBLIC = Rule(None)
CITIZEN = Rule(frozenset({"citizen"}))
OWNED = Rule(frozenset({"citizen"}), owned=True)
ADMIN = Rule(frozenset())


def staff(service: str) -> Rule:
    return Rule(frozenset({f"{service}_staff"}))


def citizen_or_staff(service: str) -> Rule:
    return Rule(frozenset({"citizen", f"{service}_staff"}))


def owned_or_staff(service: str) -> Rule:
    role = f"{service}_staff"
    return Rule(frozenset({"citizen", role}), owned=True, sees_all=frozenset({role, "admin"}))


def expected_status(rule: Rule, caller: Caller, success: int) -> int:
    if caller.refused:
        return 401
    if rule.roles is None:
        return success
    if caller.sub is None:
        return 401
    if not caller.roles & (rule.roles | {"admin"}):
        return 403
    if caller.sub == OWNER and rule.owner_status is not None:
        return rule.owner_status
    if rule.owned and caller.sub != OWNER and not caller.roles & rule.sees_all:
        return 404
    return success


def privileged(rule: Rule) -> frozenset[str]:
    """The roles that may see other people's records through this operation: staff of a staff
    route (and admin), the roles that see all. Anyone else — another citizen, admin on a
    citizen's route, the public — is a stranger to the owner's records."""
    staff_roles = (rule.roles or frozenset()) - {"citizen"}
    admin = (
        frozenset({"admin"})
        if staff_roles or rule.sees_all or rule.roles == frozenset()
        else frozenset()
    )
    return rule.sees_all | staff_roles | admin


def stranger(rule: Rule, caller: Caller) -> bool:
    return caller.sub != OWNER and not caller.roles & privileged(rule)


# the key of the scenario's ids that holds the owner's private texts (names): no answer to a
# stranger may contain one
PRIVATE = "private"

# a request: the concrete path and JSON body, from the ids the scenario created
Ids = dict[str, Any]
Request = Callable[[Ids], tuple[str, Any]]


@dataclass(frozen=True)
class Cell:
    rule: Rule
    request: Request


def at(path: str, body: Any = None) -> Request:
    """`path` with `{name}` filled from the scenario's ids."""
    return lambda ids: (path.format(**ids), body(ids) if callable(body) else body)
