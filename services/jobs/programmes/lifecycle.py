"""The application lifecycle: the one table of allowed moves. Staff decide a pending
application and the citizen may withdraw it while it is undecided; an approved one is paid once;
rejected, withdrawn and disbursed are final."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from common.i18n import N_
from common.lifecycle import Lifecycle
from services.jobs.values import ApplicationStatus

S = ApplicationStatus
APPLICATION = Lifecycle(
    N_("support application"),
    ApplicationStatus,
    {
        S.pending: {S.approved, S.rejected, S.withdrawn},
        S.approved: {S.disbursed},
        S.rejected: set(),
        S.disbursed: set(),
        S.withdrawn: set(),
    },
    stamps={"approved": "decided_at", "rejected": "decided_at", "disbursed": "disbursed_at"},
)


@dataclass
class _Move:
    status: str
    status_changed_at: datetime | None = None
    decided_at: datetime | None = None
    disbursed_at: datetime | None = None


def move_values(current: str, to: str, now: datetime) -> dict[str, Any]:
    """The columns a move from `current` to `to` sets (checked against the table), for a
    conditional `UPDATE … WHERE status = current` — so two staff acting at once cannot both
    move the same application."""
    move = _Move(current)
    APPLICATION.transition(move, to, now)
    return {k: v for k, v in vars(move).items() if v is not None}
