"""The care request and renovation lifecycles: one table of allowed moves each. A care request
also writes every move to its history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.lifecycle import Lifecycle
from services.eldercare.models import CareRequest, CareRequestEvent

CARE_REQUEST = Lifecycle(
    "care request",
    {
        "requested": {"assigned", "cancelled"},
        "assigned": {"completed", "cancelled"},
        "completed": set(),
        "cancelled": set(),
    },
    stamps={"assigned": "assigned_at", "completed": "completed_at", "cancelled": "cancelled_at"},
)
RENOVATION = Lifecycle(
    "renovation",
    {
        "requested": {"assessed", "cancelled"},
        "assessed": {"scheduled", "cancelled"},
        "scheduled": {"completed", "cancelled"},
        "completed": set(),
        "cancelled": set(),
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
