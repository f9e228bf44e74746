"""Statistics SQL: live aggregates (so the figures always match the records), each statement
compiled once for the read path."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import DateTime, Integer, any_, bindparam, cast, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import array

from common.read import Statement
from services.jobs.models import (
    Application,
    Fair,
    Graduate,
    Posting,
    Programme,
    RetentionAggregate,
    Station,
    StationCheckIn,
)
from services.jobs.values import AWARDED_STATUSES

_NOW = bindparam("now", type_=DateTime(timezone=True))
_N = func.count().label("n")


@dataclass(frozen=True, slots=True)
class DistrictCount:
    district: str | None
    n: int


@dataclass(frozen=True, slots=True)
class CheckInCount:
    district: str
    worker_type: str
    n: int


@dataclass(frozen=True, slots=True)
class ProgrammeMoney:
    id: int
    name: str
    kind: str
    budget_fen: int
    committed_fen: int
    disbursed_fen: int
    awards: int
    disbursements: int


POSTINGS = Statement(
    select(Posting.district, _N)
    .where(Posting.status == "open", Posting.expires_at > _NOW)
    .group_by(Posting.district),
    DistrictCount,
)
FAIRS = Statement(
    select(Fair.district, _N).where(Fair.ends_at > _NOW).group_by(Fair.district), DistrictCount
)
STATIONS = Statement(select(Station.district, _N).group_by(Station.district), DistrictCount)
CHECK_INS = Statement(
    select(Station.district, StationCheckIn.worker_type, _N)
    .join(Station, Station.id == StationCheckIn.station_id)
    .group_by(Station.district, StationCheckIn.worker_type),
    CheckInCount,
)
_people = union_all(
    select(Graduate.district, literal(1).label("graduates")),
    select(RetentionAggregate.district, RetentionAggregate.graduates),
).subquery()
GRADUATES = Statement(
    select(_people.c.district, cast(func.sum(_people.c.graduates), Integer).label("n")).group_by(
        _people.c.district
    ),
    DistrictCount,
)
_AWARDED = Application.status == any_(array(list(AWARDED_STATUSES)))
AWARDS = Statement(
    select(Application.district, _N).where(_AWARDED).group_by(Application.district),
    DistrictCount,
)
PROGRAMMES = Statement(
    select(
        Programme.id,
        Programme.name,
        Programme.kind,
        Programme.budget_fen,
        Programme.committed_fen,
        Programme.disbursed_fen,
        select(func.count())
        .where(
            Application.programme_id == Programme.id,
            _AWARDED,
        )
        .scalar_subquery()
        .label("awards"),
        select(func.count())
        .where(Application.programme_id == Programme.id, Application.status == "disbursed")
        .scalar_subquery()
        .label("disbursements"),
    ).order_by(Programme.id),
    ProgrammeMoney,
)
HOUSING_RECIPIENTS = Statement(
    select(func.count(func.distinct(Application.citizen_sub)))
    .join(Programme, Programme.id == Application.programme_id)
    .where(
        Application.status == "disbursed",
        Programme.kind == any_(array(["rent_subsidy", "home_purchase_subsidy"])),
    )
)
# as of the last change behind the figures — a record written, or a posting expiring or a fair
# ending (time moves those out of the counts) — so unchanged statistics keep their `as_of` and
# ETag and revalidate with a 304
AS_OF = Statement(
    select(
        func.coalesce(
            func.greatest(
                select(func.max(Posting.updated_at)).scalar_subquery(),
                select(func.max(Posting.expires_at))
                .where(Posting.expires_at <= _NOW)
                .scalar_subquery(),
                select(func.max(Fair.updated_at)).scalar_subquery(),
                select(func.max(Fair.ends_at)).where(Fair.ends_at <= _NOW).scalar_subquery(),
                select(func.max(Station.updated_at)).scalar_subquery(),
                select(func.max(StationCheckIn.checked_in_at)).scalar_subquery(),
                select(func.max(Graduate.updated_at)).scalar_subquery(),
                select(func.max(Application.status_changed_at)).scalar_subquery(),
                select(func.max(Programme.updated_at)).scalar_subquery(),
            ),
            func.statement_timestamp(),
        )
    )
)
