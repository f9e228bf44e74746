"""Loads the jobs demo data once: stations (demo_stations.py), programmes
(demo_programmes.py), and postings, fairs, graduates, subsidy recipients and check-ins
(demo_data.py); and the demo citizen's records, so their citizen view is full."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.clock import Clock
from common.demo import DEMO_CITIZEN
from services.jobs import demo_data
from services.jobs.demo_programmes import PROGRAMMES
from services.jobs.demo_stations import demo_stations, schedule_rows
from services.jobs.models import (
    Application,
    Fair,
    FairRegistration,
    Graduate,
    Posting,
    Programme,
    RetentionAggregate,
    Station,
    StationCheckIn,
)
from services.jobs.programmes.rules import ApplicantFacts, Rule, RuleStatus, evaluate

DEMO_GRADUATE = {
    "citizen_sub": DEMO_CITIZEN,
    "university": "内蒙古财经大学",
    "degree": "bachelor",
    "graduation_date": date(2023, 7, 1),
    "retention": "stayed",
    "employment_status": "employed",
    "district": "赛罕区",
}


async def _seed_stations(session: AsyncSession) -> bool:
    """Inserts the demo stations missing by name; True if any were inserted."""
    demos = demo_stations()
    present = set(
        (
            await session.scalars(
                select(Station.name).where(Station.name.in_([d.station.name for d in demos]))
            )
        ).all()
    )
    missing = [(i, d) for i, d in enumerate(demos) if d.station.name not in present]
    for _, d in missing:
        session.add(d.station)
    await session.flush()
    for i, d in missing:
        hours, exceptions = schedule_rows(d, i)
        for hour in hours:
            hour.station_id = d.station.id
        for exception in exceptions:
            exception.station_id = d.station.id
        session.add_all([*hours, *exceptions])
    await session.flush()
    return bool(missing)


async def seed(session: AsyncSession) -> bool:
    """Inserts the demo data unless it is there; True if it inserted anything. Caller commits."""
    stations = await _seed_stations(session)
    if await session.scalar(select(exists().where(Fair.name == demo_data.JUNE_10_FAIR))):
        return stations
    clock = Clock()
    now, today = clock.now(), clock.today()
    await session.execute(insert(RetentionAggregate), demo_data.retention_2022())
    await session.execute(insert(Graduate), demo_data.live_graduates(today))
    await session.execute(insert(Posting), demo_data.postings(today))
    fair_ids = await _seed_fairs(session, now)
    programme_ids = await _seed_programmes(session)
    await _seed_recipients(session, programme_ids)
    await _seed_demo_citizen(session, programme_ids, fair_ids, now)
    station_ids = list((await session.scalars(select(Station.id).order_by(Station.id))).all())
    await session.execute(insert(StationCheckIn), demo_data.check_ins(station_ids, now))
    await session.flush()
    return True


async def _seed_fairs(session: AsyncSession, now: datetime) -> dict[str, int]:
    ids: dict[str, int] = {}
    for fair in demo_data.fairs(Clock().today()):
        attendees = demo_data.FAIR_ATTENDEES.get(fair["name"], 0)
        row = Fair(**fair, registered=attendees)
        session.add(row)
        await session.flush()
        ids[fair["name"]] = row.id
        if attendees:
            at = fair["starts_at"] - timedelta(days=5)
            await session.execute(
                insert(FairRegistration),
                [
                    {
                        "fair_id": row.id,
                        "citizen_sub": f"demo-attendee-{n:04d}",
                        "status": "registered",
                        "registered_at": at,
                        "status_changed_at": at,
                    }
                    for n in range(1, attendees + 1)
                ],
            )
    return ids


async def _seed_programmes(session: AsyncSession) -> dict[str, int]:
    ids: dict[str, int] = {}
    for body in PROGRAMMES:
        row = Programme(**body, committed_fen=0, disbursed_fen=0, allows_multiple=False)
        session.add(row)
        await session.flush()
        ids[body["kind"]] = row.id
    return ids


def _judged(programme: dict[str, Any], facts: dict[str, Any], on: date) -> list[dict[str, Any]]:
    """The stored rule results of a demo award (approved or paid): every rule met, or the demo
    data contradicts its own programme and seeding stops."""
    rules = [Rule.model_validate(r) for r in programme["rules"]]
    results = evaluate(rules, ApplicantFacts.model_validate(facts), on)
    if failing := [r.rule_id for r in results if r.result is not RuleStatus.met]:
        raise ValueError(f"demo award applied on {on} fails {', '.join(failing)}: {facts}")
    return [r.model_dump(mode="json") for r in results]


async def _seed_recipients(session: AsyncSession, programme_ids: dict[str, int]) -> None:
    """The ~700 paid rent and purchase subsidies, and what they commit of each budget."""
    by_kind = {p["kind"]: p for p in PROGRAMMES}
    rows = []
    paid: dict[str, int] = {}
    for r in demo_data.subsidy_recipients():
        programme = by_kind[r.kind]
        amount = programme["amount_fen"]
        paid[r.kind] = paid.get(r.kind, 0) + amount
        rows.append(
            {
                "programme_id": programme_ids[r.kind],
                "citizen_sub": r.citizen_sub,
                "status": "disbursed",
                "amount_fen": amount,
                "district": r.district.value,
                "facts": r.facts,
                "rule_results": _judged(programme, r.facts, r.applied_at.date()),
                "single_award": True,
                "applied_at": r.applied_at,
                "status_changed_at": r.disbursed_at,
                "decided_at": r.decided_at,
                "decided_by": "demo-jobs-staff",
                "disbursed_at": r.disbursed_at,
                "payment_reference": f"HHJY-{r.disbursed_at:%Y%m%d}-{r.citizen_sub[-4:]}",
            }
        )
    await session.execute(insert(Application), rows)
    for kind, total in paid.items():
        row = await session.get(Programme, programme_ids[kind])
        assert row is not None
        row.committed_fen += total
        row.disbursed_fen += total
    await session.flush()


async def _seed_demo_citizen(
    session: AsyncSession, programme_ids: dict[str, int], fair_ids: dict[str, int], now: datetime
) -> None:
    """A graduate registration, an approved rent subsidy, and two fair registrations."""
    registered = datetime.fromisoformat("2023-07-15T01:00:00+00:00")
    session.add(Graduate(**DEMO_GRADUATE, registered_at=registered))
    rent = next(p for p in PROGRAMMES if p["kind"] == "rent_subsidy")
    facts = {
        **{k: v for k, v in DEMO_GRADUATE.items() if k != "citizen_sub" and k != "university"},
        "graduation_date": "2023-07-01",
        "works_in_hohhot": True,
        "owns_home_in_hohhot": False,
    }
    applied = datetime.fromisoformat("2023-09-01T02:00:00+00:00")
    decided = datetime.fromisoformat("2023-09-20T07:00:00+00:00")
    session.add(
        Application(
            programme_id=programme_ids["rent_subsidy"],
            citizen_sub=DEMO_CITIZEN,
            status="approved",
            amount_fen=rent["amount_fen"],
            district=DEMO_GRADUATE["district"],
            facts=facts,
            rule_results=_judged(rent, facts, applied.date()),
            single_award=True,
            applied_at=applied,
            status_changed_at=decided,
            decided_at=decided,
            decided_by="demo-jobs-staff",
        )
    )
    programme = await session.get(Programme, programme_ids["rent_subsidy"])
    assert programme is not None
    programme.committed_fen += rent["amount_fen"]
    upcoming = min(
        (name for name in fair_ids if name not in demo_data.FAIR_ATTENDEES),
        key=lambda name: fair_ids[name],
    )
    for name, at in (
        (demo_data.JUNE_10_FAIR, datetime.fromisoformat("2023-06-05T02:00:00+00:00")),
        (upcoming, now),
    ):
        session.add(
            FairRegistration(
                fair_id=fair_ids[name],
                citizen_sub=DEMO_CITIZEN,
                status="registered",
                registered_at=at,
                status_changed_at=at,
            )
        )
        fair = await session.get(Fair, fair_ids[name])
        assert fair is not None
        fair.registered += 1
    await session.flush()
