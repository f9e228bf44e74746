"""`GET /eldercare/v1/stats`: by district, facilities by kind, how many communities have a
complete 15-minute circle (and which have gaps), upcoming activities and open care requests —
live aggregates on the read path."""

from __future__ import annotations

from collections import defaultdict

from common.clock import Clock
from common.districts import District
from common.read import Reader
from services.eldercare.config import Settings
from services.eldercare.facilities import repository as facility_repository
from services.eldercare.facilities.circle import walking_model
from services.eldercare.facilities.schemas import FacilityKind
from services.eldercare.overview import repository as sql
from services.eldercare.overview.stats_schemas import (
    CommunityGap,
    DistrictStats,
    EldercareStats,
    Totals,
)

OPEN_RENOVATIONS = ("requested", "assessed", "scheduled")


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _kinds(counts: dict[str, int]) -> dict[FacilityKind, int]:
    return {kind: counts.get(kind.value, 0) for kind in FacilityKind}


async def statistics(reader: Reader, *, settings: Settings, clock: Clock) -> EldercareStats:
    radius = settings.reach_m(settings.circle_minutes)
    essential = list(settings.circle_essential_kinds)
    async with reader.connection() as conn:
        as_of = await conn.fetchval("SELECT statement_timestamp()")
        facility_rows = await sql.FACILITIES_BY_DISTRICT_KIND.rows(conn)
        coverage = await facility_repository.coverage(conn, radius_m=radius, kinds=essential)
        activities = await sql.UPCOMING_BY_DISTRICT.rows(conn, now=clock.now())
        care = await sql.OPEN_CARE_BY_DISTRICT.rows(conn)
        renovations = await sql.RENOVATIONS_BY_STATUS.rows(conn)
        elders = await sql.ELDERS.value(conn)
    kinds: dict[str, dict[str, int]] = defaultdict(dict)
    for row in facility_rows:
        kinds[row.district][row.kind] = row.n
    communities: dict[str, list[CommunityGap | None]] = defaultdict(list)
    for community in coverage:
        missing = [FacilityKind(k) for k in essential if k not in set(community.kinds)]
        gap = (
            CommunityGap(id=community.id, name=community.name, missing=missing) if missing else None
        )
        communities[community.district].append(gap)
    upcoming = {r.district: r.n for r in activities}
    open_care = {r.district: r.n for r in care}
    by_district = []
    for district in District:
        gaps = [g for g in communities[district.value] if g is not None]
        total = len(communities[district.value])
        by_district.append(
            DistrictStats(
                district=district,
                facilities=sum(kinds[district.value].values()),
                facilities_by_kind=_kinds(kinds[district.value]),
                communities=total,
                communities_covered=total - len(gaps),
                circle_coverage=_share(total - len(gaps), total),
                communities_with_gaps=gaps,
                activities=upcoming.get(district.value, 0),
                open_care_requests=open_care.get(district.value, 0),
            )
        )
    all_kinds: dict[str, int] = defaultdict(int)
    for per_district in kinds.values():
        for kind, n in per_district.items():
            all_kinds[kind] += n
    covered = sum(d.communities_covered for d in by_district)
    by_status = {r.status: r.n for r in renovations}
    return EldercareStats(
        as_of=as_of,
        walking=walking_model(settings, settings.circle_minutes),
        essential_kinds=[FacilityKind(k) for k in essential],
        totals=Totals(
            facilities=sum(all_kinds.values()),
            facilities_by_kind=_kinds(all_kinds),
            communities=len(coverage),
            communities_covered=covered,
            circle_coverage=_share(covered, len(coverage)),
            activities=sum(upcoming.values()),
            open_care_requests=sum(open_care.values()),
            elders=int(elders or 0),
            renovations_open=sum(by_status.get(s, 0) for s in OPEN_RENOVATIONS),
            renovations_completed=by_status.get("completed", 0),
        ),
        by_district=by_district,
    )
