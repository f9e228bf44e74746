"""What a guardian reads about their applications, on the read path (no transaction)."""

from __future__ import annotations

from common.auth import Principal
from common.pagination import CursorCodec, Page
from common.read import Reader
from services.childcare.enrollments import repository
from services.childcare.enrollments.errors import EnrollmentNotFound
from services.childcare.enrollments.schemas import EnrollmentRead


async def list_enrollments(
    reader: Reader, *, guardian: Principal, limit: int, cursor: str | None, codec: CursorCodec
) -> Page[EnrollmentRead]:
    async with reader.connection() as conn:
        return await repository.MINE.page(
            conn,
            {"guardian": guardian.sub},
            limit=limit,
            cursor=cursor,
            codec=codec,
            scope="enrollments",
            shape=EnrollmentRead.of,
        )


async def get_enrollment(
    reader: Reader, *, guardian: Principal, enrollment_id: int
) -> EnrollmentRead:
    row = await reader.one(
        repository.GET_MINE, EnrollmentNotFound, guardian=guardian.sub, id=enrollment_id
    )
    return EnrollmentRead.of(row)
