"""Statistics SQL: live aggregates across the domains, each a typed row."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import DateTime, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import array

from common.read import Statement
from services.eldercare.care.repository import OPEN
from services.eldercare.models import Activity, CareRequest, Community, Elder, Facility, Renovation


@dataclass(frozen=True, slots=True)
class DistrictCount:
    district: str | None
    n: int


@dataclass(frozen=True, slots=True)
class KindCount:
    district: str
    kind: str
    n: int


@dataclass(frozen=True, slots=True)
class StatusCount:
    status: str
    n: int


FACILITIES_BY_DISTRICT_KIND = Statement(
    select(Facility.district, Facility.kind, func.count().label("n")).group_by(
        Facility.district, Facility.kind
    ),
    KindCount,
)
UPCOMING_BY_DISTRICT = Statement(
    select(Community.district, func.count().label("n"))
    .select_from(Activity)
    .join(Community, Community.id == Activity.community_id)
    .where(
        Activity.status == "scheduled",
        Activity.starts_at >= bindparam("now", type_=DateTime(timezone=True)),
    )
    .group_by(Community.district),
    DistrictCount,
)
OPEN_CARE_BY_DISTRICT = Statement(
    select(Community.district, func.count().label("n"))
    .select_from(CareRequest)
    .join(Elder, Elder.id == CareRequest.elder_id)
    .outerjoin(Community, Community.id == Elder.community_id)
    .where(CareRequest.status == any_(array(OPEN[CareRequest])))
    .group_by(Community.district),
    DistrictCount,
)
RENOVATIONS_BY_STATUS = Statement(
    select(Renovation.status, func.count().label("n")).group_by(Renovation.status), StatusCount
)
ELDERS = Statement(select(func.count().label("n")).select_from(Elder))
