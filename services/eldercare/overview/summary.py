"""`GET /eldercare/v1/me/summary`: the eldercare part of the citizen's one-page view
(DESIGN §6; the gateway's mirror is in gateway/clients/eldercare.py): the elders they are or
act for, upcoming registered activities, open care requests and renovations — one connection,
no transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, cast

from pydantic import BaseModel, Field

from common.auth import Principal
from common.clock import Clock
from common.read import Reader
from services.eldercare.activities import registration_repository
from services.eldercare.activities.schemas import city_time
from services.eldercare.care.repository import CARE_REQUESTS, RENOVATIONS
from services.eldercare.care.schemas import ProviderCategory
from services.eldercare.elders import repository
from services.eldercare.elders.ages import age_years
from services.eldercare.elders.schemas import Relation

LIMIT = 50
OpenRegistration = Literal["registered", "waitlisted"]


class SummaryElder(BaseModel):
    id: int
    name: str
    relation: Relation
    community_id: int | None
    community_name: str | None
    lives_alone: bool
    age_years: int


class SummaryActivity(BaseModel):
    registration_id: int
    activity_id: int
    title: str
    category: str
    starts_at: datetime
    place: str
    elder_id: int | None
    status: OpenRegistration
    waitlist_position: int | None


class SummaryCareRequest(BaseModel):
    id: int
    elder_id: int
    care_type: str
    provider_category: ProviderCategory
    status: Literal["requested", "assigned"] = Field(description="Open requests only.")
    provider_name: str | None = Field(
        description="Who will come: the provider staff assigned (null until assigned)."
    )
    price_fen: int | None
    requested_at: datetime


class SummaryRenovation(BaseModel):
    id: int
    elder_id: int
    items: list[str]
    status: Literal["requested", "assessed", "scheduled"] = Field(
        description="Open renovations only."
    )
    scheduled_for: date | None = Field(
        description="The day the crew comes (city date), once scheduled."
    )
    requested_at: datetime


class MeSummary(BaseModel):
    elders: list[SummaryElder]
    activities: list[SummaryActivity] = Field(description="Upcoming sessions only, soonest first.")
    care_requests: list[SummaryCareRequest] = Field(description="Open only, newest first.")
    renovations: list[SummaryRenovation] = Field(description="Open only, newest first.")


async def me_summary(reader: Reader, *, principal: Principal, clock: Clock) -> MeSummary:
    now, today = clock.now(), clock.today()
    async with reader.connection() as conn:
        mine = await repository.visible(conn, principal.sub)
        ids = list(mine)
        elders = await repository.OF_IDS.rows(conn, {}, limit=100, params={"ids": ids})
        activities = await registration_repository.MINE_UPCOMING.rows(
            conn, sub=principal.sub, elder_ids=ids, now=now, limit=LIMIT
        )
        care = await CARE_REQUESTS.open.rows(conn, elder_ids=ids, limit=LIMIT)
        renovations = await RENOVATIONS.open.rows(conn, elder_ids=ids, limit=LIMIT)
    return MeSummary(
        elders=[
            SummaryElder(
                id=e.id,
                name=e.name,
                relation=mine[e.id],
                community_id=e.community_id,
                community_name=e.community_name,
                lives_alone=e.lives_alone,
                age_years=age_years(e.birth_date, today),
            )
            for e in elders
        ],
        activities=[
            SummaryActivity(
                registration_id=a.id,
                activity_id=a.activity_id,
                title=a.title,
                category=a.category,
                starts_at=city_time(a.starts_at),
                place=a.place,
                elder_id=a.elder_id,
                # the statement selects the open ones; the model checks it again
                status=cast(OpenRegistration, a.status),
                waitlist_position=a.waitlist_position,
            )
            for a in activities
        ],
        care_requests=[
            SummaryCareRequest(
                id=c.id,
                elder_id=c.elder_id,
                care_type=c.care_type,
                provider_category=c.provider_category,
                status=c.status,
                provider_name=c.provider_name,
                price_fen=c.price_fen,
                requested_at=c.requested_at,
            )
            for c in care
        ],
        renovations=[
            SummaryRenovation(
                id=r.id,
                elder_id=r.elder_id,
                items=list(r.items),
                status=r.status,
                scheduled_for=r.scheduled_for,
                requested_at=r.requested_at,
            )
            for r in renovations
        ],
    )
