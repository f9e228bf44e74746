"""Who may read or act on an elder's records, and the access audit of staff.

An elder's profile, care requests and renovations are readable by the elder, their linked
family and eldercare staff. To anyone else the record does not exist (`404`, the same answer as
for an id that is not there). Every read or change by staff of someone else's record writes one
row to the shared access audit, in the request's transaction: no audit, no answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import record_access
from common.auth import Principal, Role
from common.errors import ProblemError
from services.eldercare.elders import repository
from services.eldercare.models import access_audit


def is_staff(principal: Principal) -> bool:
    return principal.has_any(Role.eldercare_staff, Role.admin)


async def audit(
    session: AsyncSession,
    staff: Principal,
    *,
    action: str,
    resources: Sequence[str],
    purpose: str,
    request_id: str | None,
) -> None:
    """One audit row per record touched (a list of 20 elders is 20 rows)."""
    await record_access(
        session,
        access_audit,
        actor=staff,
        action=action,
        resources=resources,
        purpose=purpose,
        request_id=request_id,
    )


def audit_replay(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    elder_of: Callable[[Any], int],
    purpose: str,
    request_id: str | None,
) -> Callable[[Any], Awaitable[None]]:
    """The audit of a staff write's idempotent replay: the stored answer shows the record again,
    so staff seeing it again is written like the first time (`<action>_replayed`)."""

    async def replayed(body: Any) -> None:
        if is_staff(principal):
            await audit(
                session,
                principal,
                action=f"{action}_replayed",
                resources=[f"elder/{elder_of(body)}"],
                purpose=purpose,
                request_id=request_id,
            )

    return replayed


async def relation_or_audit(
    session: AsyncSession,
    principal: Principal,
    elder_id: int,
    *,
    action: str,
    resource: str,
    purpose: str,
    request_id: str | None,
    missing: ProblemError,
) -> str | None:
    """For a record of `elder_id` that exists: `self` or `family` when it is the caller's own;
    None for staff, whose access is audited here; `missing` (a 404) for anyone else."""
    relation = (await repository.visible_in_session(session, principal.sub)).get(elder_id)
    if relation is not None:
        return relation
    if is_staff(principal):
        await audit(
            session,
            principal,
            action=action,
            resources=[resource],
            purpose=purpose,
            request_id=request_id,
        )
        return None
    raise missing
