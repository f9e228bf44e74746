"""`wellbeing import childcare institutions FILE.csv|FILE.json`: a per-row report.

Each row is validated and written in its own savepoint, through the same service functions as
the API (`institutions.service`): a bad row is rejected with its reason and leaves nothing
behind, good rows land, and a capacity raised by an import offers the new places to the
waitlist exactly as `PATCH /institutions/{id}` does. The natural key is (name, district), so
importing the same file again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.clock import Clock
from common.districts import District
from common.geo import CoordSys
from common.importing import ImportReport, Outcome, import_rows, read_rows, spreadsheet_cells
from services.childcare.config import Settings
from services.childcare.institutions import repository, service
from services.childcare.institutions.schemas import (
    DemonstrationLevel,
    InstitutionCreate,
    InstitutionKind,
    InstitutionUpdate,
)
from services.childcare.models import Institution

KINDS = ("institutions",)
# offers made when an import raises a capacity wait as long as the service's default
DEFAULT_OFFER_TTL = timedelta(hours=Settings.model_fields["offer_ttl_hours"].default)


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
    def _cells(cls, data: Any) -> Any:
        return spreadsheet_cells(data, frozenset({"inclusive", "public_owned"}))

    @model_validator(mode="after")
    def _consistent(self) -> InstitutionRow:
        if self.min_age_months > self.max_age_months:
            raise ValueError("min_age_months is above max_age_months")
        if (self.demonstration_level is None) != (self.demonstration_year is None):
            raise ValueError("demonstration_level and demonstration_year go together")
        return self

    def body(self) -> dict[str, Any]:
        """The row as the API's `InstitutionCreate` body (WGS-84)."""
        data = self.model_dump(exclude={"lat", "lon", "demonstration_level", "demonstration_year"})
        data["location"] = {"lat": self.lat, "lon": self.lon}
        data["demonstration"] = (
            {"level": self.demonstration_level.value, "year": self.demonstration_year}
            if self.demonstration_level
            else None
        )
        return data

    def values(self) -> dict[str, Any]:
        data = self.model_dump()
        data["district"] = self.district.value
        data["kind"] = self.kind.value
        data["demonstration_level"] = (
            self.demonstration_level.value if self.demonstration_level else None
        )
        return data


def _changes(existing: Institution, values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if getattr(existing, k) != v}


async def _import_row(session: AsyncSession, row: InstitutionRow, clock: Clock) -> Outcome:
    """Creates or updates through the same service functions as the API, so the rules (a place
    inside its district, capacity re-balancing the waitlist) are the API's own."""
    values = row.values()
    existing = await repository.lock_by_name(session, row.name, values["district"])
    if existing is None:
        await service.create_institution(
            session,
            body=InstitutionCreate.model_validate(row.body()),
            coord_sys=CoordSys.wgs84,
            clock=clock,
        )
        return "accepted"
    changed = _changes(existing, values)
    if not changed:
        return "unchanged"
    body = {k: v for k, v in row.body().items() if k in _body_fields(changed)}
    await service.update_institution(
        session,
        institution_id=existing.id,
        body=InstitutionUpdate.model_validate(body),
        coord_sys=CoordSys.wgs84,
        clock=clock,
        offer_ttl=DEFAULT_OFFER_TTL,
    )
    return "updated"


def _body_fields(changed: dict[str, Any]) -> set[str]:
    fields = set(changed) - {"lat", "lon", "demonstration_level", "demonstration_year"}
    if {"lat", "lon"} & set(changed):
        fields.add("location")
    if {"demonstration_level", "demonstration_year"} & set(changed):
        fields.add("demonstration")
    return fields


async def run_import(
    session_factory: async_sessionmaker[AsyncSession], kind: str, path: Path
) -> ImportReport:
    if kind not in KINDS:
        raise ValueError(f"childcare can import {', '.join(KINDS)}, not {kind!r}")
    clock = Clock()

    async def write(session: AsyncSession, row: InstitutionRow) -> Outcome:
        return await _import_row(session, row, clock)

    return await import_rows(session_factory, kind, read_rows(path), InstitutionRow, write)
