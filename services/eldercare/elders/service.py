"""Elder profiles: registered by the elder, a family member (linked, acting for the elder) or
staff; read by the elder, linked family and staff (audited); the national ID only as keyed
hash and mask."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import Audited
from common.auth import Principal, Role
from common.clock import Clock
from common.db import insert_unless_taken, load
from common.i18n import t
from common.pagination import CursorCodec, Page
from common.personal_data import (
    id_number_hash,
    is_valid_id_number,
    mask_id_number,
    normalize_id_number,
)
from common.read import Reader
from services.eldercare.config import Settings
from services.eldercare.elders import repository
from services.eldercare.elders.access import audit, is_staff, relation_or_audit
from services.eldercare.elders.ages import age_years
from services.eldercare.elders.errors import (
    BirthDateInFuture,
    ElderAlreadyRegistered,
    ElderNotFound,
    ElderProfileExists,
    InvalidIdNumber,
    NotAnElder,
    RoleNotHeld,
    SubjectOnlyForStaff,
)
from services.eldercare.elders.repository import StaffFilter
from services.eldercare.elders.schemas import (
    ActingAs,
    ElderCreate,
    ElderRead,
    ElderUpdate,
    EmergencyContact,
    Relation,
)
from services.eldercare.facilities.errors import CommunityNotFound
from services.eldercare.models import Community, Elder

READ_PURPOSE = "eldercare staff: elder profile review"


CREATE_PURPOSE = "eldercare staff: register an elder"
UPDATE_PURPOSE = "correct an elder's profile"


def _acting_as(principal: Principal, wanted: ActingAs | None) -> ActingAs:
    acting = wanted or (ActingAs.staff if is_staff(principal) else ActingAs.family)
    holds = is_staff(principal) if acting is ActingAs.staff else principal.has_any(Role.citizen)
    if not holds:
        raise RoleNotHeld(
            t("Acting as {acting} needs a role your token does not hold.", acting=acting.value)
        )
    return acting


def _check_age(birth: date, today: date, minimum: int) -> None:
    if birth > today:
        raise BirthDateInFuture(t("The birth date is in the future."))
    if age_years(birth, today) < minimum:
        raise NotAnElder(
            t(
                "An elder profile is for a person aged {minimum} or more; this person is {age}.",
                minimum=minimum,
                age=age_years(birth, today),
            ),
            min_age_years=minimum,
        )


def _id_number(raw: str | None, key: str) -> tuple[str | None, str | None]:
    if raw is None:
        return None, None
    number = normalize_id_number(raw)
    if not is_valid_id_number(number):
        raise InvalidIdNumber(t("id_number is not a valid 18-character national ID number."))
    return id_number_hash(number, key), mask_id_number(number)


def _contact_columns(
    address: str | None, phone: str | None, contact: EmergencyContact | None
) -> dict[str, str | None]:
    return {"address": address, "phone": phone, **_emergency_columns(contact)}


def _emergency_columns(contact: EmergencyContact | None) -> dict[str, str | None]:
    return {
        "emergency_contact_name": None if contact is None else contact.name,
        "emergency_contact_phone": None if contact is None else contact.phone,
        "emergency_contact_relation": None if contact is None else contact.relation,
    }


async def create_elder(
    session: AsyncSession,
    *,
    principal: Principal,
    body: ElderCreate,
    settings: Settings,
    clock: Clock,
    request_id: str | None,
) -> ElderRead:
    today = clock.today()
    acting = _acting_as(principal, body.acting_as)
    if body.elder_citizen_id is not None and acting is not ActingAs.staff:
        raise SubjectOnlyForStaff(t("Only staff may name the elder's own citizen id."))
    _check_age(body.birth_date, today, settings.elder_min_age_years)
    id_hash, id_masked = _id_number(body.id_number, settings.id_hash_key)
    if body.community_id is not None:
        await load(session, Community, body.community_id, CommunityNotFound, lock=False)
    if id_hash is not None and await repository.registered_by(session, principal.sub, id_hash):
        raise ElderAlreadyRegistered(t("You have already registered an elder with this ID."))
    subject = principal.sub if acting is ActingAs.self else body.elder_citizen_id
    if subject is not None and await repository.has_profile(session, subject):
        raise ElderProfileExists(t("This person already has an elder profile."))
    elder = await insert_unless_taken(
        session,
        Elder(
            name=body.name,
            birth_date=body.birth_date,
            id_number_hash=id_hash,
            id_number_masked=id_masked,
            community_id=body.community_id,
            lives_alone=body.lives_alone,
            lost_only_child=body.lost_only_child,
            care_needs=[n.value for n in body.care_needs],
            **_contact_columns(body.address, body.phone, body.emergency_contact),
            subject_sub=subject,
            created_by_sub=principal.sub,
            created_by_role=acting.value,
        ),
    )
    if elder is None:  # the same registration twice at once
        raise (ElderProfileExists if subject else ElderAlreadyRegistered)(
            t("This elder is already registered.")
        )
    family = [*body.family_citizen_ids]
    if acting is ActingAs.family:
        family.append(principal.sub)
    await repository.link_family(
        session, elder.id, [s for s in dict.fromkeys(family) if s != subject], principal.sub
    )
    if acting is ActingAs.staff:
        await audit(
            session,
            principal,
            action="create_elder",
            resources=[f"elder/{elder.id}"],
            purpose=CREATE_PURPOSE,
            request_id=request_id,
        )
    row = await repository.GET.one_in(session, ElderNotFound, id=elder.id)
    relation = None if acting is ActingAs.staff else Relation(acting.value)
    return ElderRead.of(row, relation, today, as_staff=acting is ActingAs.staff)


async def get_elder(
    reader: Reader,
    audited: Audited,
    *,
    principal: Principal,
    elder_id: int,
    clock: Clock,
) -> ElderRead:
    """The elder's own and family's reads go on the read path; a staff read is audited."""
    today = clock.today()
    async with reader.connection() as conn:
        relation = (await repository.visible(conn, principal.sub)).get(elder_id)
        if relation is not None:
            row = await repository.GET.one(conn, ElderNotFound, id=elder_id)
            return ElderRead.of(row, Relation(relation), today, as_staff=False)
    if not is_staff(principal):
        raise ElderNotFound(id=elder_id)
    row = await repository.GET.one(await audited.connection(), ElderNotFound, id=elder_id)
    await audited.record(
        principal, action="read_elder", resources=[f"elder/{elder_id}"], purpose=READ_PURPOSE
    )
    return ElderRead.of(row, None, today, as_staff=True)


async def list_elders(
    reader: Reader,
    audited: Audited,
    *,
    principal: Principal,
    filters: StaffFilter,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
    clock: Clock,
) -> Page[ElderRead]:
    """A citizen's elders (self and family); for staff every elder, each read audited."""
    today = clock.today()
    staff = is_staff(principal)
    scope = f"elders:{staff}:{filters!r}"
    if staff:
        page = await repository.EVERY.page(
            await audited.connection(),
            filters,
            limit=limit,
            cursor=cursor,
            codec=codec,
            scope=scope,
            shape=lambda row: ElderRead.of(row, None, today, as_staff=True, masked=True),
        )
        await audited.record(
            principal,
            action="read_elder",
            resources=[f"elder/{e.id}" for e in page.items],
            purpose=READ_PURPOSE,
        )
        return page
    async with reader.connection() as conn:
        mine = await repository.visible(conn, principal.sub)
        return await repository.OF_IDS.page(
            conn,
            {},
            params={"ids": list(mine)},
            limit=limit,
            cursor=cursor,
            codec=codec,
            scope=scope,
            shape=lambda row: ElderRead.of(
                row, Relation(mine[row.id]), today, as_staff=False, masked=True
            ),
        )


async def update_elder(
    session: AsyncSession,
    *,
    principal: Principal,
    elder_id: int,
    body: ElderUpdate,
    settings: Settings,
    clock: Clock,
    request_id: str | None,
) -> ElderRead:
    """The elder, linked family or staff correct a profile under the rules of registration.
    Every change is written to the access audit (whoever made it: it is the elder's sensitive
    data); to anyone else the profile does not exist."""
    today = clock.today()
    elder = await repository.lock(session, elder_id)
    if elder is None:
        raise ElderNotFound(id=elder_id)
    resource = f"elder/{elder_id}"
    relation = await relation_or_audit(
        session,
        principal,
        elder_id,
        action="update_elder",
        resource=resource,
        purpose=UPDATE_PURPOSE,
        request_id=request_id,
        missing=ElderNotFound(id=elder_id),
    )
    if relation is not None:  # the elder or family: their change is audited too
        await audit(
            session,
            principal,
            action="update_elder",
            resources=[resource],
            purpose=f"{UPDATE_PURPOSE} ({relation})",
            request_id=request_id,
        )
    changes = body.changes()
    if "birth_date" in changes:
        _check_age(changes["birth_date"], today, settings.elder_min_age_years)
    if changes.get("community_id") is not None:
        await load(session, Community, changes["community_id"], CommunityNotFound, lock=False)
    if "care_needs" in changes:
        changes["care_needs"] = [n.value for n in changes["care_needs"]]
    if "emergency_contact" in changes:
        contact = changes.pop("emergency_contact")
        changes |= _emergency_columns(contact)
    for name, value in changes.items():
        setattr(elder, name, value)
    await session.flush()
    row = await repository.GET.one_in(session, ElderNotFound, id=elder_id)
    shown = None if relation is None else Relation(relation)
    return ElderRead.of(row, shown, today, as_staff=relation is None)
