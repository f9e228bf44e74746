"""What a guardian reads about their applications, on the read path (no transaction)."""

from __future__ import annotations

from datetime import date

from common.auth import Principal
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.childcare.children import repository as child_repository
from services.childcare.children.schemas import ChildRead
from services.childcare.enrollments import repository
from services.childcare.enrollments.errors import EnrollmentNotFound
from services.childcare.enrollments.schemas import EnrollmentRead, MeSummary

SUMMARY_CHILDREN = 100
SUMMARY_ENROLLMENTS = 50


async def list_enrollments(
    reader: Reader, *, guardian: Principal, limit: int, cursor: str | None, codec: CursorCodec
) -> Page[EnrollmentRead]:
    before = codec.decode(cursor, "enrollments") if cursor else None
    async with reader.connection() as conn:
        rows = await repository.list_mine(
            conn, guardian.sub, limit=limit + 1, before_id=int(before[0]) if before else None
        )
    items = [EnrollmentRead.of(r) for r in rows[:limit]]
    next_cursor = codec.encode([items[-1].id], "enrollments") if len(rows) > limit else None
    return Page[EnrollmentRead](items=items, next_cursor=next_cursor)


async def get_enrollment(
    reader: Reader, *, guardian: Principal, enrollment_id: int
) -> EnrollmentRead:
    async with reader.connection() as conn:
        row = await repository.get_mine(conn, guardian.sub, enrollment_id)
    if row is None:
        raise EnrollmentNotFound(f"Enrollment {enrollment_id} does not exist.")
    return EnrollmentRead.of(row)


async def me_summary(reader: Reader, *, guardian: Principal, today: date) -> MeSummary:
    async with reader.connection() as conn:
        children = await child_repository.list_children(
            conn, guardian.sub, limit=SUMMARY_CHILDREN, after_id=None
        )
        enrollments = await repository.list_mine(
            conn, guardian.sub, limit=SUMMARY_ENROLLMENTS, before_id=None
        )
    return MeSummary(
        children=[ChildRead.of(c, today) for c in children],
        enrollments=[EnrollmentRead.of(e) for e in enrollments],
    )
