"""Loads the eldercare demo data once: communities and facilities (demo_places.py), a week of
classes (demo_activities.py), elders and their care, retrofits and visits (demo_people.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import Clock
from common.demo import DEMO_CITIZEN
from common.opening_hours import stored_week
from services.eldercare import demo_activities, demo_people, demo_places
from services.eldercare.activities.registrations import participant_key
from services.eldercare.demo_people import DEMO_STAFF, PROVIDERS, VISITOR, DemoCare, DemoElder
from services.eldercare.models import (
    Activity,
    ActivityRegistration,
    CareRequest,
    CareRequestEvent,
    Community,
    Elder,
    ElderFamily,
    Facility,
    Renovation,
    Visit,
)


async def _clear_old_demo(session: AsyncSession) -> None:
    """A database seeded before communities and activities existed holds only the old demo
    facilities (migrated to communities): replace them, as nothing else refers to them."""
    if await session.scalar(select(exists().where(Activity.id.is_not(None)))) or (
        await session.scalar(select(exists().where(Elder.id.is_not(None))))
    ):
        return
    await session.execute(delete(Facility))
    await session.execute(delete(Community))


async def seed(session: AsyncSession) -> bool:
    """Inserts the demo data unless 兴康社区 has its programmes already; True if it inserted."""
    xingkang = select(Community.id).where(
        Community.name == demo_places.XINGKANG.name,
        func.jsonb_array_length(Community.programmes) > 0,
    )
    if await session.scalar(select(exists(xingkang))):
        return False
    await _clear_old_demo(session)
    clock = Clock()
    places = demo_places.communities()
    communities = await _places(session, places)
    named = await session.execute(select(Facility.name, Facility.id))
    facilities = {name: facility_id for name, facility_id in named.all()}
    sessions = await _week(session, places, communities, facilities, clock)
    for elder in demo_people.elders(clock.today(), places):
        await _elder(session, elder, communities, sessions, clock.now())
    await session.flush()
    return True


async def _places(session: AsyncSession, places: list[demo_places.DemoCommunity]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for c in places:
        row = Community(
            name=c.name,
            district=c.district.value,
            street_office=c.street_office,
            lat=c.centre[0],
            lon=c.centre[1],
            awards=list(c.awards),
            programmes=list(c.programmes),
        )
        session.add(row)
        await session.flush()
        ids[c.name] = row.id
    session.add_all(
        Facility(
            name=f.name,
            kind=f.kind,
            district=f.district,
            community_id=ids[f.community],
            address=f.address,
            lat=f.lat,
            lon=f.lon,
            phone=f.phone,
            opening_hours=f.opening_hours,
            weekly_hours=stored_week(f.opening_hours, demo_places.WEEKDAYS_OF[f.kind]),
            services=list(f.services),
        )
        for f in demo_places.facilities(places)
    )
    await session.flush()
    return ids


async def _week(
    session: AsyncSession,
    places: list[demo_places.DemoCommunity],
    communities: dict[str, int],
    facilities: dict[str, int],
    clock: Clock,
) -> dict[str, list[Activity]]:
    """The week's sessions, each with its generated residents' seats; by title."""
    by_title: dict[str, list[Activity]] = {}
    now = clock.now()
    resident = 0
    for s in demo_activities.week(places, clock.today()):
        activity = Activity(
            title=s.title,
            category=s.category,
            description=s.description,
            community_id=communities[s.community],
            facility_id=facilities.get(s.facility),
            place=s.place,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            capacity=s.capacity,
            registered=s.taken,
            waitlist_capacity=s.waitlist_capacity,
            waitlisted=s.waiting,
            status="scheduled",
        )
        session.add(activity)
        await session.flush()
        by_title.setdefault(s.title, []).append(activity)
        rows = []
        for status, count in (("registered", s.taken), ("waitlisted", s.waiting)):
            for _ in range(count):
                resident += 1
                sub = f"demo-resident-{resident}"
                rows.append(
                    {
                        "activity_id": activity.id,
                        "registrant_sub": sub,
                        "participant": f"citizen:{sub}",
                        "status": status,
                        "registered_at": now,
                        "status_changed_at": now,
                    }
                )
        if rows:  # in list order: the waitlist keeps it (FIFO by id)
            await session.execute(insert(ActivityRegistration), rows)
    return by_title


async def _elder(
    session: AsyncSession,
    e: DemoElder,
    communities: dict[str, int],
    sessions: dict[str, list[Activity]],
    now: datetime,
) -> None:
    visited = None if e.visited_days_ago is None else now - timedelta(days=e.visited_days_ago)
    elder = Elder(
        name=e.name,
        birth_date=e.birth_date,
        community_id=communities[e.community],
        lives_alone=e.lives_alone,
        lost_only_child=e.lost_only_child,
        care_needs=list(e.care_needs),
        subject_sub=e.subject_sub,
        created_by_sub=e.created_by_sub,
        created_by_role=e.created_by_role,
        last_visited_at=visited,
    )
    session.add(elder)
    await session.flush()
    session.add_all(
        ElderFamily(elder_id=elder.id, citizen_sub=sub, linked_by_sub=e.created_by_sub)
        for sub in e.family
    )
    if visited is not None:
        session.add(_visit(elder.id, visited, "completed"))
    if e.missed_days_ago is not None:
        session.add(_visit(elder.id, now - timedelta(days=e.missed_days_ago), "missed"))
    for title in e.classes:
        for activity in sessions.get(title, []):
            registrant = DEMO_CITIZEN if e.created_by_role == "family" else e.created_by_sub
            session.add(
                ActivityRegistration(
                    activity_id=activity.id,
                    registrant_sub=registrant,
                    elder_id=elder.id,
                    participant=participant_key(elder.id, elder.subject_sub),
                    status="registered",
                    registered_at=now,
                    status_changed_at=now,
                )
            )
            activity.registered += 1
    for care in e.care:
        await _care(session, elder.id, e.created_by_sub, care, now)
    if e.renovation:
        session.add(
            Renovation(
                elder_id=elder.id,
                requested_by_sub=e.created_by_sub,
                items=list(e.renovation),
                details="卫生间加装扶手、防滑",
                status="assessed",
                estimated_cost_fen=150_000,
                assessment_note="卫生间需加装两处扶手并更换淋浴座椅",
                requested_at=now - timedelta(days=15),
                assessed_at=now - timedelta(days=8),
                status_changed_at=now - timedelta(days=8),
            )
        )
    await session.flush()


def _visit(elder_id: int, at: datetime, outcome: str) -> Visit:
    return Visit(
        elder_id=elder_id,
        visited_at=at,
        visitor_sub=DEMO_STAFF,
        visitor_name=VISITOR,
        outcome=outcome,
        missed_reason="not_home" if outcome == "missed" else None,
        notes="上门探访，身体状况良好" if outcome == "completed" else "敲门无人应答",
    )


async def _care(
    session: AsyncSession, elder_id: int, requester: str, c: DemoCare, now: datetime
) -> None:
    """A care request that went through its moves, each in its history."""
    asked = now - timedelta(days=c.days_ago)
    moves = {
        "requested": [],
        "assigned": ["assigned"],
        "completed": ["assigned", "completed"],
        "cancelled": ["cancelled"],
    }[c.status]
    at = {m: min(asked + timedelta(days=n + 1), now) for n, m in enumerate(moves)}
    assigned = "assigned" in moves
    request = CareRequest(
        elder_id=elder_id,
        requested_by_sub=requester,
        care_type=c.care_type,
        provider_category=c.provider_category,
        details=c.details,
        provider_name=PROVIDERS[c.provider_category] if assigned else None,
        price_fen=c.price_fen if assigned else None,
        status=c.status,
        requested_at=asked,
        assigned_at=at.get("assigned"),
        completed_at=at.get("completed"),
        cancelled_at=at.get("cancelled"),
        status_changed_at=at[moves[-1]] if moves else asked,
    )
    session.add(request)
    await session.flush()
    previous: str | None = None
    for status, when, actor in (
        ("requested", asked, requester),
        *((m, at[m], DEMO_STAFF if m != "cancelled" else requester) for m in moves),
    ):
        session.add(
            CareRequestEvent(
                care_request_id=request.id,
                from_status=previous,
                to_status=status,
                actor_sub=actor,
                actor_role="staff" if actor == DEMO_STAFF else "citizen",
                note="",
                at=when,
            )
        )
        previous = status
