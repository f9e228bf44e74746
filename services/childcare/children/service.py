"""Children: a guardian registers their own; the national ID is kept only as keyed hash + mask,
unique per guardian, and a stranger's registration of a known ID reveals nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

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
from services.childcare.children.errors import ChildAlreadyRegistered, ChildNotFound
from services.childcare.children.schemas import ChildCreate, ChildRead
from services.childcare.models import Child


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
    today = clock.today()
    if body.birth_date > today:
        raise Unprocessable(t("The birth date is in the future."), code="birth_date_in_future")
    check_in_range(body.birth_date, today, 0, MAX_AGE_MONTHS, what=t("this service"))
    id_hash = id_masked = None
    if body.id_number is not None:
        number = normalize_id_number(body.id_number)
        if not is_valid_id_number(number):
            raise Unprocessable(
                t("id_number is not a valid 18-character national ID number."),
                code="invalid_id_number",
            )
        id_hash, id_masked = id_number_hash(number, id_hash_key), mask_id_number(number)
        if await repository.registered_by(session, guardian.sub, id_hash):
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
