"""`wellbeing import childcare institutions FILE.csv|FILE.json`: a per-row report.

Each row is validated and written in its own savepoint: a bad row is rejected with its reason
and leaves nothing behind, good rows land. The natural key is (name, district), so importing the
same file again changes nothing.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import exists, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.districts import District
from services.childcare.institutions.schemas import DemonstrationLevel, InstitutionKind
from services.childcare.models import Enrollment, Institution

KINDS = ("institutions",)
# spreadsheets kept by the city's offices often write yes/no as 是/否
CHINESE_BOOLEANS = {"是": True, "否": False}


class RejectedRow(BaseModel):
    row: int = Field(description="1-based data row number (CSV: the header is row 0).")
    reason: str


class ImportReport(BaseModel):
    kind: str
    accepted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = []


class InstitutionRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    district: District
    address: Annotated[str, Field(min_length=1, max_length=300)]
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    kind: InstitutionKind
    inclusive: bool = False
    public_owned: bool = False
    capacity: Annotated[int, Field(ge=0, le=10_000)]
    monthly_fee_fen: Annotated[int, Field(ge=0, le=100_000_000)]
    min_age_months: Annotated[int, Field(ge=0, le=36)]
    max_age_months: Annotated[int, Field(ge=0, le=36)]
    opening_hours: Annotated[str, Field(min_length=1, max_length=100)]
    phone: Annotated[str, Field(min_length=1, max_length=30)]
    demonstration_level: DemonstrationLevel | None = None
    demonstration_year: Annotated[int, Field(ge=1990, le=2100)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if None in data:  # csv.DictReader files surplus cells under the key None
                raise ValueError("the row has more cells than the header has columns")
            return {
                k: CHINESE_BOOLEANS.get(v, v) if k in ("inclusive", "public_owned") else v
                for k, v in data.items()
                if v not in ("", None)
            }
        return data

    @model_validator(mode="after")
    def _consistent(self) -> InstitutionRow:
        if self.min_age_months > self.max_age_months:
            raise ValueError("min_age_months is above max_age_months")
        if (self.demonstration_level is None) != (self.demonstration_year is None):
            raise ValueError("demonstration_level and demonstration_year go together")
        return self

    def values(self) -> dict[str, Any]:
        data = self.model_dump()
        data["district"] = self.district.value
        data["kind"] = self.kind.value
        data["demonstration_level"] = (
            self.demonstration_level.value if self.demonstration_level else None
        )
        return data


class RowRejected(Exception):
    """A valid row that cannot be applied to what is in the database."""


def _read_rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ValueError("a JSON import file holds a list of objects")
        return data
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _reason(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}" for e in exc.errors()
    )


def _database_reason(exc: DBAPIError) -> str | None:
    """A constraint or value the row model does not mirror, named without any SQL."""
    state = str(getattr(exc.orig, "sqlstate", "") or "")
    if not state.startswith(("22", "23")):
        return None
    cause = exc.orig.__cause__ if exc.orig is not None else None
    constraint = getattr(cause, "constraint_name", None) or getattr(
        exc.orig, "constraint_name", None
    )
    return f"rejected by the database ({constraint or 'invalid value'})"


async def _import_row(session: AsyncSession, row: InstitutionRow) -> str:
    values = row.values()
    existing = await session.scalar(
        select(Institution)
        .where(Institution.name == row.name, Institution.district == values["district"])
        .with_for_update()
    )
    if existing is None:
        session.add(Institution(**values, enrolled=0, offered=0))
        await session.flush()
        return "accepted"
    if all(getattr(existing, k) == v for k, v in values.items()):
        return "unchanged"
    taken = existing.enrolled + existing.offered
    if row.capacity < taken:
        raise RowRejected(f"capacity {row.capacity} is below the {taken} places taken")
    if row.capacity > existing.capacity and await session.scalar(
        select(
            exists().where(
                Enrollment.institution_id == existing.id, Enrollment.status == "waitlisted"
            )
        )
    ):
        # new places must be offered to the waitlist in FIFO order; that rule lives in the
        # service, so the import leaves capacity rises with a waitlist to PATCH /institutions/{id}
        raise RowRejected(
            f"raising capacity of an institution with a waitlist: use PATCH "
            f"/childcare/v1/institutions/{existing.id} so waiting children get the places"
        )
    if row.capacity != existing.capacity:
        existing.vacancies_as_of = datetime.now(UTC)
    for key, value in values.items():
        setattr(existing, key, value)
    await session.flush()
    return "updated"


async def run_import(
    session_factory: async_sessionmaker[AsyncSession], kind: str, path: Path
) -> ImportReport:
    if kind not in KINDS:
        raise ValueError(f"childcare can import {', '.join(KINDS)}, not {kind!r}")
    report = ImportReport(kind=kind)
    rows = _read_rows(path)
    async with session_factory() as session:
        for number, raw in enumerate(rows, start=1):
            try:
                row = InstitutionRow.model_validate(raw)
            except ValidationError as exc:
                report.rejected.append(RejectedRow(row=number, reason=_reason(exc)))
                continue
            try:
                async with session.begin_nested():
                    outcome = await _import_row(session, row)
            except RowRejected as exc:  # the savepoint is rolled back; report and go on
                report.rejected.append(RejectedRow(row=number, reason=str(exc)))
                continue
            except DBAPIError as exc:
                reason = _database_reason(exc)
                if reason is None:
                    raise  # not about the row (e.g. the database went away): stop the import
                report.rejected.append(RejectedRow(row=number, reason=reason))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        await session.commit()
    return report
