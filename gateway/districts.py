"""`/wellbeing/v1/districts`: per 旗县区, a few indicators from each service's `stats`.

Each service's part carries its own status: `ok`, `stale` (the last good figures, with their
age, because the service failed just now), or `unavailable` / `timeout` / `error` when there
never were good figures to fall back on.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel, Field

from common.districts import District
from common.errors import NotFound
from common.i18n import t
from gateway.clients.typed import StatsBase
from gateway.state import StatsSources
from gateway.stats_cache import PartStatus, Reading

T = TypeVar("T", bound=StatsBase)


class DistrictNotFound(NotFound, code="district_not_found"): ...


class ChildcareIndicators(BaseModel):
    institutions: int
    slots: int
    vacancies: int
    population: int | None
    slots_per_1000: float | None = Field(description="Against the national target of 4.5.")
    meets_target: bool | None


class JobsIndicators(BaseModel):
    postings: int = Field(description="Open, unexpired job postings.")
    fairs: int = Field(description="Upcoming job fairs.")
    stations: int = Field(description="Red Bee Stations (红蜂驿站).")
    check_ins: int = Field(description="Station check-ins, all time.")
    graduates: int = Field(description="Graduates retained (留呼/回呼/来呼 registrations).")
    awards: int = Field(description="Approved or paid support applications.")


class EldercareIndicators(BaseModel):
    facilities: int
    communities: int
    communities_covered: int = Field(description="Communities whose 15-minute circle is whole.")
    circle_coverage: float | None = Field(description="15-minute coverage, 0–1.")
    activities: int = Field(description="Upcoming activity sessions.")
    open_care_requests: int


_PART_HELP = (
    "`ok`: current figures. `stale`: the service failed just now; `data` is the last good "
    "figures, read `age_seconds` ago. `unavailable` / `timeout` / `error`: the service failed and "
    "the gateway has no earlier figures (`data` is null)."
)


class Part(BaseModel):
    status: PartStatus = Field(description=_PART_HELP)
    as_of: datetime | None = Field(
        description="The service's own time stamp (childcare, jobs: the latest change behind "
        "the figures; eldercare: when it computed them)."
    )
    age_seconds: int | None = Field(
        description="Only when `stale`: seconds since the gateway last read these figures."
    )
    detail: str | None = Field(description="Why the figures are not current.")


class ChildcarePart(Part):
    data: ChildcareIndicators | None


class JobsPart(Part):
    data: JobsIndicators | None


class EldercarePart(Part):
    data: EldercareIndicators | None


class DistrictIndicators(BaseModel):
    district: District = Field(description="The district's Chinese name.")
    key: str = Field(description="Its API name, e.g. `xincheng`; either works in the path.")
    complete: bool = Field(description="True when all three parts are `ok`.")
    childcare: ChildcarePart
    jobs: JobsPart
    eldercare: EldercarePart


class DistrictList(BaseModel):
    items: list[DistrictIndicators] = Field(description="Every district, in a fixed order.")
    complete: bool = Field(description="True when every part of every district is `ok`.")


def parse_district(value: str) -> District:
    """The Chinese name (`新城区`) or the API name (`xincheng`)."""
    for district in District:
        if value in (district.value, district.name):
            return district
    raise DistrictNotFound(
        t(
            "No district {value!r}; expected one of: {choices}",
            value=value,
            choices=", ".join(f"{d.value} ({d.name})" for d in District),
        )
    )


def _part_fields(reading: Reading[T]) -> dict[str, object]:
    value = reading.value
    age = None
    # The age of the gateway's copy, not of `as_of`: a service's `as_of` is the last change
    # behind its figures, which can be days old while the figures are current.
    if reading.status is PartStatus.stale and reading.fetched_at is not None:
        age = max(0, int((datetime.now(UTC) - reading.fetched_at).total_seconds()))
    return {
        "status": reading.status,
        "as_of": value.as_of if value is not None else None,
        "age_seconds": age,
        "detail": reading.detail.render() if reading.detail is not None else None,
    }


def _entry(reading: Reading[T], district: District) -> dict[str, object] | None:
    row = reading.value.row(district) if reading.value is not None else None
    return row.model_dump() if row is not None else None


async def district_indicators(sources: StatsSources) -> list[DistrictIndicators]:
    childcare, jobs, eldercare = await asyncio.gather(
        sources.childcare.read(), sources.jobs.read(), sources.eldercare.read()
    )
    complete = all(r.status is PartStatus.ok for r in (childcare, jobs, eldercare))
    items = []
    for district in District:
        c, j, e = (
            _entry(childcare, district),
            _entry(jobs, district),
            _entry(eldercare, district),
        )
        items.append(
            DistrictIndicators(
                district=district,
                key=district.name,
                complete=complete,
                childcare=ChildcarePart(
                    **_part_fields(childcare),
                    data=ChildcareIndicators.model_validate(c) if c else None,
                ),
                jobs=JobsPart(
                    **_part_fields(jobs), data=JobsIndicators.model_validate(j) if j else None
                ),
                eldercare=EldercarePart(
                    **_part_fields(eldercare),
                    data=EldercareIndicators.model_validate(e) if e else None,
                ),
            )
        )
    return items
