"""The staff roster of one institution: enrolled, offered and waitlisted children (audited)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from services.childcare.children.service import city_today, months_between
from services.childcare.enrollments import repository
from services.childcare.enrollments.schemas import Roster, RosterEntry
from services.childcare.enrollments.waitlist import expire_offers
from services.childcare.institutions import repository as institution_repository
from services.childcare.institutions.errors import InstitutionNotFound
from services.childcare.models import AccessAudit


async def institution_roster(
    session: AsyncSession,
    *,
    institution_id: int,
    staff: Principal,
    request_id: str | None,
    offer_ttl: timedelta,
) -> Roster:
    """Enrolled, offered and waitlisted children; every read is written to the audit log."""
    locked = await institution_repository.lock_institutions(session, [institution_id])
    inst = locked.get(institution_id)
    if inst is None:
        raise InstitutionNotFound(f"Institution {institution_id} does not exist.")
    await expire_offers(session, inst, offer_ttl)
    session.add(
        AccessAudit(
            actor_sub=staff.sub,
            actor_roles=",".join(sorted(staff.roles)),
            action="read_roster",
            resource=f"institution/{institution_id}/roster",
            purpose="childcare staff roster review",
            request_id=request_id,
        )
    )
    rows = await repository.roster(session, institution_id)
    positions = await repository.waitlist_positions(
        session, [e.id for e, _ in rows if e.status == "waitlisted"]
    )
    today = city_today()
    entries: dict[str, list[RosterEntry]] = {"enrolled": [], "offered": [], "waitlisted": []}
    for e, child in rows:
        entries[e.status].append(
            RosterEntry(
                enrollment_id=e.id,
                child_id=child.id,
                child_name=child.name,
                age_months=max(0, months_between(child.birth_date, today)),
                id_number_masked=child.id_number_masked,
                status=e.status,
                start_date=e.start_date,
                waitlist_position=positions.get(e.id),
                offer_expires_at=e.offer_expires_at,
                applied_at=e.applied_at,
            )
        )
    await session.flush()
    return Roster(
        institution_id=inst.id,
        capacity=inst.capacity,
        enrolled=entries["enrolled"],
        offered=entries["offered"],
        waitlisted=entries["waitlisted"],
    )
