"""Children: a guardian registers their own; the national ID is kept only as keyed hash + mask,
unique per guardian, and a stranger's registration of a known ID reveals nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import Audited
from common.auth import Principal
from common.clock import Clock
from common.db import insert_unless_taken
from common.errors import Unprocessable
from common.i18n import t
from common.pagination import CursorCodec, Page
from common.personal_data import (
    id_number_hash,
    is_valid_id_number,
    mask_id_number,
    normalize_id_number,
)
from common.read import Reader
from services.childcare.children import repository
from services.childcare.children.ages import MAX_AGE_MONTHS, check_in_range
from services.childcare.children.errors import (
    ChildAlreadyRegistered,
    ChildHasPlace,
    ChildIdentityInUse,
    ChildNotFound,
)
from services.childcare.children.schemas import ChildCreate, ChildRead, ChildUpdate
from services.childcare.models import Child

ERASE_PURPOSE = "guardian's request to erase their child's record (PIPL right to deletion)"


def _check_birth_date(birth_date: date, today: date) -> None:
    if birth_date > today:
        raise Unprocessable(t("The birth date is in the future."), code="birth_date_in_future")
    check_in_range(birth_date, today, 0, MAX_AGE_MONTHS, what=t("this service"))


def _id_number(raw: str | None, id_hash_key: str) -> tuple[str | None, str | None]:
    """The keyed hash and mask of a national ID (both None without one)."""
    if raw is None:
        return None, None
    number = normalize_id_number(raw)
    if not is_valid_id_number(number):
        raise Unprocessable(
            t("id_number is not a valid 18-character national ID number."),
            code="invalid_id_number",
        )
    return id_number_hash(number, id_hash_key), mask_id_number(number)


async def register_child(
    session: AsyncSession,
    *,
    guardian: Principal,
    body: ChildCreate,
    id_hash_key: str,
    clock: Clock,
) -> ChildRead:
    """A guardian registers a child aged 0–36 months; an ID the guardian already registered is
    `409`, one registered by someone else is accepted as a new record (staff see the link)."""
    _check_birth_date(body.birth_date, clock.today())
    id_hash, id_masked = _id_number(body.id_number, id_hash_key)
    await repository.lock_guardian(session, guardian.sub)
    if id_hash is not None and await repository.registered_by(session, guardian.sub, id_hash):
        raise ChildAlreadyRegistered(t("You have already registered a child with this ID."))
    # a second registration of the same child is asked, not provoked: the server would log a
    # unique violation with the key's values, the child's name and birth date
    child = await insert_unless_taken(
        session,
        Child(
            guardian_sub=guardian.sub,
            name=body.name,
            birth_date=body.birth_date,
            id_number_hash=id_hash,
            id_number_masked=id_masked,
        ),
    )
    if child is None:  # this guardian registered this child already (or twice at once)
        raise ChildAlreadyRegistered(t("You have already registered this child."))
    row = await repository.GET.one_in(session, ChildNotFound, guardian=guardian.sub, id=child.id)
    return ChildRead.of(row, clock.today())


async def list_children(
    reader: Reader,
    *,
    guardian: Principal,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
    clock: Clock,
) -> Page[ChildRead]:
    today = clock.today()
    async with reader.connection() as conn:
        return await repository.MINE.page(
            conn,
            {"guardian": guardian.sub},
            limit=limit,
            cursor=cursor,
            codec=codec,
            scope="children",
            shape=lambda row: ChildRead.of(row, today),
        )


async def get_child(
    reader: Reader, *, guardian: Principal, child_id: int, clock: Clock
) -> ChildRead:
    row = await reader.one(repository.GET, ChildNotFound, guardian=guardian.sub, id=child_id)
    return ChildRead.of(row, clock.today())


async def correct_child(
    session: AsyncSession,
    *,
    guardian: Principal,
    child_id: int,
    body: ChildUpdate,
    id_hash_key: str,
    clock: Clock,
) -> ChildRead:
    """A guardian corrects their child's name, birth date or national ID under the rules of
    registration; a new birth date must keep the child inside the age range of every active
    application on its start date, and the ID (who the child is for the one-place rule) does
    not change while an application is active."""
    await repository.lock_guardian(session, guardian.sub)
    child = await repository.lock_child(session, guardian.sub, child_id)
    if child is None:
        raise ChildNotFound(id=child_id)
    changes = body.changes()
    name = changes.get("name", child.name)
    birth_date = changes.get("birth_date", child.birth_date)
    id_hash, id_masked = child.id_number_hash, child.id_number_masked
    if "birth_date" in changes:
        _check_birth_date(birth_date, clock.today())
        for active in await repository.active_ranges(session, child.id):
            check_in_range(
                birth_date,
                active.start_date,
                active.min_age_months,
                active.max_age_months,
                what=active.institution_name,
            )
    if "id_number" in changes:
        id_hash, id_masked = _id_number(changes["id_number"], id_hash_key)
        if id_hash != child.id_number_hash and await repository.has_active_application(
            session, child.id
        ):
            raise ChildIdentityInUse(id=child.id)
    if await repository.taken_by_sibling(
        session,
        guardian.sub,
        child.id,
        name=name,
        birth_date=birth_date,
        id_hash=id_hash if id_hash != child.id_number_hash else None,
    ):
        raise ChildAlreadyRegistered(t("You have already registered this child."))
    child.name, child.birth_date = name, birth_date
    child.id_number_hash, child.id_number_masked = id_hash, id_masked
    await session.flush()
    row = await repository.GET.one_in(session, ChildNotFound, guardian=guardian.sub, id=child.id)
    return ChildRead.of(row, clock.today())


async def erase_child(audited: Audited, *, guardian: Principal, child_id: int) -> None:
    """Erases a child's record (PIPL's right to deletion): refused while the child holds or is
    offered a place; otherwise the child, their applications and the stored answers that repeat
    them are deleted. The access audit keeps that the record was erased, by whom and when —
    the record's number, never the name."""
    session = audited.session
    await repository.lock_guardian(session, guardian.sub)
    child = await repository.lock_child(session, guardian.sub, child_id)
    if child is None:
        raise ChildNotFound(id=child_id)
    if await repository.holds_place(session, child.id):
        raise ChildHasPlace(id=child.id)
    await repository.erase(session, guardian.sub, child.id)
    await audited.record(
        guardian, action="erase_child", resources=[f"child/{child.id}"], purpose=ERASE_PURPOSE
    )
