"""The staff roster of one institution: enrolled, offered and waitlisted children. Every read is
written to the access audit (PIPL: minors' data), in the same transaction."""

from __future__ import annotations

from datetime import timedelta

from common.audit import Audited
from common.auth import Principal
from common.clock import Clock
from services.childcare.children.ages import months_between
from services.childcare.enrollments import repository
from services.childcare.enrollments.schemas import Roster, RosterEntry
from services.childcare.enrollments.waitlist import expire_offers
from services.childcare.institutions import repository as institution_repository
from services.childcare.institutions.errors import InstitutionNotFound


async def institution_roster(
    audited: Audited,
    *,
    institution_id: int,
    staff: Principal,
    clock: Clock,
    offer_ttl: timedelta,
) -> Roster:
    session = audited.session
    locked = await institution_repository.lock_institutions(session, [institution_id])
    inst = locked.get(institution_id)
    if inst is None:
        raise InstitutionNotFound(id=institution_id)
    await expire_offers(session, inst, clock=clock, offer_ttl=offer_ttl)
    today = clock.today()
    entries: dict[str, list[RosterEntry]] = {"enrolled": [], "offered": [], "waitlisted": []}
    for e, child, duplicate, position in await repository.roster(session, institution_id):
        entries[e.status].append(
            RosterEntry(
                enrollment_id=e.id,
                child_id=child.id,
                child_name=child.name,
                age_months=max(0, months_between(child.birth_date, today)),
                id_number_masked=child.id_number_masked,
                suspected_duplicate=bool(duplicate),
                status=e.status,
                start_date=e.start_date,
                waitlist_position=position,
                offer_expires_at=e.offer_expires_at,
                applied_at=e.applied_at,
            )
        )
    # one audit row per child the roster shows (PIPL: minors' data)
    seen = [e for group in entries.values() for e in group]
    await audited.record(
        staff,
        action="read_roster",
        resources=[f"child/{e.child_id}" for e in seen],
        purpose=f"childcare staff roster review of institution {institution_id}",
    )
    return Roster(
        institution_id=inst.id,
        capacity=inst.capacity,
        enrolled=entries["enrolled"],
        offered=entries["offered"],
        waitlisted=entries["waitlisted"],
    )
