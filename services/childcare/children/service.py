"""Children: registration by a guardian, ages in completed months."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Unprocessable
from common.pagination import CursorCodec, Page
from common.personal_data import (
    id_number_hash,
    is_valid_id_number,
    mask_id_number,
    normalize_id_number,
)
from services.childcare.children import repository
from services.childcare.children.errors import ChildAlreadyRegistered, ChildNotFound, ChildTooOld
from services.childcare.children.schemas import ChildCreate, ChildRead
from services.childcare.models import Child

CITY_TZ = ZoneInfo("Asia/Shanghai")


def city_today() -> date:
    return datetime.now(CITY_TZ).date()


def months_between(birth: date, on: date) -> int:
    """Completed months of age on `on`."""
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    return months - 1 if on.day < birth.day else months


def child_read(child: Child) -> ChildRead:
    return ChildRead(
        id=child.id,
        name=child.name,
        birth_date=child.birth_date,
        age_months=max(0, months_between(child.birth_date, city_today())),
        id_number_masked=child.id_number_masked,
        created_at=child.created_at,
    )


async def register_child(
    session: AsyncSession, *, guardian: Principal, body: ChildCreate, id_hash_key: str
) -> ChildRead:
    """A guardian registers a child under 3; the national ID is kept only as keyed hash + mask."""
    today = city_today()
    if body.birth_date > today:
        raise Unprocessable("The birth date is in the future.", code="birth_date_in_future")
    if months_between(body.birth_date, today) >= 36:
        raise ChildTooOld("This service is for children under 3 years old.")
    id_hash = id_masked = None
    if body.id_number is not None:
        number = normalize_id_number(body.id_number)
        if not is_valid_id_number(number):
            raise Unprocessable(
                "id_number is not a valid 18-character national ID number.",
                code="invalid_id_number",
            )
        id_hash, id_masked = id_number_hash(number, id_hash_key), mask_id_number(number)
    child = Child(
        guardian_sub=guardian.sub,
        name=body.name,
        birth_date=body.birth_date,
        id_number_hash=id_hash,
        id_number_masked=id_masked,
    )
    session.add(child)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise ChildAlreadyRegistered("This child is already registered.") from exc
    await session.refresh(child)
    return child_read(child)


async def list_children(
    session: AsyncSession,
    *,
    guardian: Principal,
    limit: int,
    cursor: str | None,
    codec: CursorCodec,
) -> Page[ChildRead]:
    after = codec.decode(cursor, "children") if cursor else None
    rows = await repository.list_children(
        session, guardian.sub, limit=limit + 1, after_id=int(after[0]) if after else None
    )
    next_cursor = codec.encode([rows[limit - 1].id], "children") if len(rows) > limit else None
    return Page[ChildRead](items=[child_read(c) for c in rows[:limit]], next_cursor=next_cursor)


async def get_child(session: AsyncSession, *, guardian: Principal, child_id: int) -> ChildRead:
    child = await repository.get_child(session, guardian.sub, child_id)
    if child is None:
        raise ChildNotFound(f"Child {child_id} does not exist.")
    return child_read(child)
