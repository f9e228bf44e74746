"""Lifecycles (enrollment, application, care request, renovation): one allowed-moves table per
entity and one `transition()` that checks it and stamps the time. No status string is assigned by
hand anywhere else, so an illegal move is always the same `409` with a stable code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from common.errors import Conflict
from common.i18n import t


class IllegalTransition(Conflict, code="invalid_transition"): ...


class HasStatus(Protocol):
    status: Any


class Lifecycle:
    """`statuses` is the one enum of the entity's statuses (the model's CHECK and the API's enum
    are built from it too); `moves` maps each status to the statuses it may move to, and names
    every status; `stamps` maps a target status to the attribute that records when the entity
    reached it (e.g. `{"completed": "completed_at"}`); every move also sets `changed_attr` when
    the entity has it."""

    def __init__(
        self,
        name: str,
        statuses: type[StrEnum],
        moves: Mapping[str, Iterable[str]],
        *,
        stamps: Mapping[str, str] | None = None,
        changed_attr: str = "status_changed_at",
        error: type[Conflict] = IllegalTransition,
    ) -> None:
        self.name = name
        self.enum = statuses
        self.moves = {str(k): frozenset(str(t) for t in v) for k, v in moves.items()}
        self.stamps = dict(stamps or {})
        self.changed_attr = changed_attr
        self.error = error
        unknown = {t for targets in self.moves.values() for t in targets} - set(self.moves)
        if unknown:
            raise ValueError(f"{name}: targets without an entry of their own: {sorted(unknown)}")
        if set(self.moves) != {s.value for s in statuses}:
            raise ValueError(f"{name}: the moves do not name exactly the {statuses.__name__}")

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(self.moves)

    def allows(self, current: str, to: str) -> bool:
        return to in self.moves.get(current, frozenset())

    def check(self, current: str, to: str) -> None:
        if not self.allows(current, to):
            allowed = ", ".join(sorted(self.moves.get(current, ()))) or t("none")
            raise self.error(
                t(
                    "A {what} that is {current} cannot become {to} (allowed: {allowed}).",
                    what=t(self.name),
                    current=current,
                    to=to,
                    allowed=allowed,
                ),
                current_status=current,
                wanted_status=to,
            )

    def transition(self, entity: HasStatus, to: str, now: datetime) -> str:
        """Moves `entity` to `to` and stamps the time; returns the status it had."""
        current = str(entity.status)
        self.check(current, to)
        entity.status = to
        if hasattr(entity, self.changed_attr):
            setattr(entity, self.changed_attr, now)
        if (attr := self.stamps.get(to)) is not None:
            setattr(entity, attr, now)
        return current
