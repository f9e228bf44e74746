"""The care request and renovation lifecycles: one table of allowed moves each. A care request
also writes every move to its history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.i18n import N_
from common.lifecycle import Lifecycle
from services.eldercare.models import CareRequest, CareRequestEvent
from services.eldercare.values import CareStatus, RenovationStatus

C, R = CareStatus, RenovationStatus
CARE_REQUEST = Lifecycle(
    N_("care request"),
    CareStatus,
    {
        C.requested: {C.assigned, C.cancelled},
        C.assigned: {C.completed, C.cancelled},
        C.completed: set(),
        C.cancelled: set(),
    },
    stamps={"assigned": "assigned_at", "completed": "completed_at", "cancelled": "cancelled_at"},
)
RENOVATION = Lifecycle(
    N_("renovation"),
    RenovationStatus,
    {
        R.requested: {R.assessed, R.cancelled},
        R.assessed: {R.scheduled, R.cancelled},
        R.scheduled: {R.completed, R.cancelled},
        R.completed: set(),
        R.cancelled: set(),
    },
    stamps={
        "assessed": "assessed_at",
        "scheduled": "scheduled_at",
        "completed": "completed_at",
        "cancelled": "cancelled_at",
    },
)


def record(
    session: AsyncSession,
    request: CareRequest,
    *,
    was: str | None,
    actor_sub: str,
    actor_role: str,
    note: str,
    at: datetime,
) -> None:
    session.add(
        CareRequestEvent(
            care_request_id=request.id,
            from_status=was,
            to_status=request.status,
            actor_sub=actor_sub,
            actor_role=actor_role,
            note=note,
            at=at,
        )
    )


def move(
    session: AsyncSession,
    request: CareRequest,
    to: str,
    now: datetime,
    *,
    actor_sub: str,
    actor_role: str,
    note: str = "",
) -> None:
    """Moves a care request along its lifecycle and writes the move to its history."""
    was = CARE_REQUEST.transition(request, to, now)
    record(session, request, was=was, actor_sub=actor_sub, actor_role=actor_role, note=note, at=now)
