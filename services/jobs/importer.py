"""`wellbeing import jobs postings FILE.csv|FILE.json`: a per-row report.

Each row goes through the same service functions as `POST /jobs/v1/postings` and `PATCH
/jobs/v1/postings/{id}` (`postings.service`), in its own savepoint: a bad row is rejected with
its reason and leaves nothing behind, good rows land. A row names its posting by (employer,
title, district): importing the same file again changes nothing, and a changed salary or
expiry updates the posting in place.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.clock import Clock
from common.districts import District
from common.geo import CoordSys
from common.importing import ImportReport, Outcome, import_rows, read_rows, spreadsheet_cells
from services.jobs.fields import aware
from services.jobs.postings import repository, service
from services.jobs.postings.schemas import (
    EducationLevel,
    PostingCategory,
    PostingCreate,
    PostingUpdate,
)

KINDS = ("postings",)


class PostingRow(BaseModel):
    """One posting as a spreadsheet holds it; times without an offset are Asia/Shanghai."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    employer: Annotated[str, Field(min_length=1, max_length=200)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    category: PostingCategory
    district: District
    salary_min_fen: Annotated[int, Field(ge=0, le=100_000_000)]
    salary_max_fen: Annotated[int, Field(ge=0, le=100_000_000)]
    education: EducationLevel
    graduate_friendly: bool = False
    openings: Annotated[int, Field(ge=1, le=10_000)] = 1
    description: Annotated[str, Field(max_length=2000)] | None = None
    posted_at: datetime | None = None
    expires_at: datetime

    @model_validator(mode="before")
    @classmethod
    def _cells(cls, data: Any) -> Any:
        return spreadsheet_cells(data, frozenset({"graduate_friendly"}))

    def body(self) -> dict[str, Any]:
        """The row as the API's body (only the fields a row set)."""
        return self.model_dump(mode="json", exclude_unset=True)


def _changed(existing: Any, row: PostingRow) -> set[str]:
    body = row.model_dump(exclude_unset=True)
    changed = set()
    for key, value in body.items():
        current = getattr(existing, key)
        if key in ("posted_at", "expires_at"):
            value = aware(value)
        elif hasattr(value, "value"):
            value = value.value
        if current != value:
            changed.add(key)
    return changed


async def _import_row(session: AsyncSession, row: PostingRow, clock: Clock) -> Outcome:
    existing = await repository.find_by_key(
        session, employer=row.employer, title=row.title, district=row.district.value
    )
    if existing is None:
        await service.create_posting(
            session,
            body=PostingCreate.model_validate(row.body()),
            coord_sys=CoordSys.wgs84,
            clock=clock,
        )
        return "accepted"
    changed = _changed(existing, row)
    if not changed:
        return "unchanged"
    body = {k: v for k, v in row.body().items() if k in changed}
    await service.update_posting(
        session,
        posting_id=existing.id,
        body=PostingUpdate.model_validate(body),
        coord_sys=CoordSys.wgs84,
        clock=clock,
    )
    return "updated"


async def run_import(
    session_factory: async_sessionmaker[AsyncSession], kind: str, path: Path
) -> ImportReport:
    if kind not in KINDS:
        raise ValueError(f"jobs can import {', '.join(KINDS)}, not {kind!r}")
    clock = Clock()
    return await import_rows(
        session_factory,
        kind,
        read_rows(path),
        PostingRow,
        lambda session, row: _import_row(session, row, clock),
    )
