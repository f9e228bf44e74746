"""`GET /jobs/v1/stats`: by district — open postings, upcoming fairs, stations, check-ins,
graduates (the historical counts included) and awards — with totals and each programme's
money. Every district appears, in the enum's order, zeros where there is nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from common.clock import Clock
from common.districts import District
from common.read import Reader
from services.jobs.overview import repository as sql
from services.jobs.overview.schemas import (
    DistrictStats,
    JobsStats,
    ProgrammeStats,
    Totals,
    WorkerTypeCounts,
)
from services.jobs.programmes.schemas import ProgrammeKind


def _by_district(rows: Sequence[sql.DistrictCount]) -> dict[str | None, int]:
    return {r.district: r.n for r in rows}


async def statistics(reader: Reader, *, clock: Clock) -> JobsStats:
    now = clock.now()
    async with reader.connection() as conn:
        postings = _by_district(await sql.POSTINGS.rows(conn, now=now))
        fairs = _by_district(await sql.FAIRS.rows(conn, now=now))
        stations = _by_district(await sql.STATIONS.rows(conn))
        graduates = _by_district(await sql.GRADUATES.rows(conn))
        awards = _by_district(await sql.AWARDS.rows(conn))
        check_in_rows = await sql.CHECK_INS.rows(conn)
        programmes = await sql.PROGRAMMES.rows(conn)
        recipients = await sql.HOUSING_RECIPIENTS.value(conn)
        as_of = await sql.AS_OF.value(conn, now=now)
    by_type: dict[str, dict[str, int]] = defaultdict(dict)
    for row in check_in_rows:
        by_type[row.district][row.worker_type] = row.n
    rows = [
        DistrictStats(
            district=d,
            postings=postings.get(d.value, 0),
            fairs=fairs.get(d.value, 0),
            stations=stations.get(d.value, 0),
            check_ins=sum(by_type[d.value].values()),
            check_ins_by_worker_type=WorkerTypeCounts(**by_type[d.value]),
            graduates=graduates.get(d.value, 0),
            awards=awards.get(d.value, 0),
        )
        for d in District
    ]
    all_types: dict[str, int] = defaultdict(int)
    for counts in by_type.values():
        for worker, n in counts.items():
            all_types[worker] += n
    return JobsStats(
        as_of=as_of,
        totals=Totals(
            postings=sum(postings.values()),
            fairs=sum(fairs.values()),
            stations=sum(stations.values()),
            check_ins=sum(all_types.values()),
            check_ins_by_worker_type=WorkerTypeCounts(**all_types),
            graduates=sum(graduates.values()),
            awards=sum(awards.values()),
            committed_fen=sum(p.committed_fen for p in programmes),
            disbursed_fen=sum(p.disbursed_fen for p in programmes),
            housing_subsidy_recipients=int(recipients or 0),
        ),
        by_district=rows,
        programmes=[
            ProgrammeStats(
                id=p.id,
                name=p.name,
                kind=ProgrammeKind(p.kind),
                awards=p.awards,
                disbursements=p.disbursements,
                budget_fen=p.budget_fen,
                committed_fen=p.committed_fen,
                disbursed_fen=p.disbursed_fen,
            )
            for p in programmes
        ],
    )
