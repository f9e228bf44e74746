"""jobs in the authorization matrix: each operation's rule and request, and the records the
requests name (a posting, fairs, a station, a programme, the owner's registration, graduate
profile and applications)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from services.jobs.demo_programmes import RENT_SUBSIDY
from tests.contract.authorization import (
    ADMIN,
    CITIZEN,
    OWNED,
    PRIVATE,
    PUBLIC,
    Cell,
    Ids,
    Rule,
    at,
    citizen_or_staff,
    owned_or_staff,
    staff,
)
from tests.contract.principals import OWNER
from tests.fixtures.notices import first_notice
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import GRADUATE, RENTER, add_fair, add_station, fair_body, station_body

STAFF = staff("jobs")
V1 = "/jobs/v1"
PROGRAMME = {**RENT_SUBSIDY, "allows_multiple": True}
UNIVERSITY = "矩阵私立学院"  # the owner's graduate profile: no stranger may see it


def posting_body() -> dict[str, Any]:
    return {
        "employer": "矩阵软件有限公司",
        "title": "测试工程师",
        "category": "technology",
        "district": "赛罕区",
        "salary_min_fen": 600_000,
        "salary_max_fen": 900_000,
        "education": "bachelor",
        "expires_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
    }


RULES: dict[str, Cell] = {
    f"GET {V1}/postings": Cell(PUBLIC, at(f"{V1}/postings")),
    f"POST {V1}/postings": Cell(STAFF, at(f"{V1}/postings", lambda _: posting_body())),
    f"GET {V1}/postings/{{posting_id}}": Cell(PUBLIC, at(f"{V1}/postings/{{posting}}")),
    f"PATCH {V1}/postings/{{posting_id}}": Cell(
        STAFF, at(f"{V1}/postings/{{posting}}", {"openings": 3})
    ),
    f"GET {V1}/fairs": Cell(PUBLIC, at(f"{V1}/fairs")),
    f"POST {V1}/fairs": Cell(STAFF, at(f"{V1}/fairs", lambda _: fair_body())),
    f"GET {V1}/fairs/{{fair_id}}": Cell(PUBLIC, at(f"{V1}/fairs/{{fair}}")),
    f"PATCH {V1}/fairs/{{fair_id}}": Cell(STAFF, at(f"{V1}/fairs/{{fair}}", {"capacity": 80})),
    # a fair the owner has not registered for yet
    f"POST {V1}/fairs/{{fair_id}}/registrations": Cell(
        CITIZEN, at(f"{V1}/fairs/{{open_fair}}/registrations")
    ),
    f"GET {V1}/fair-registrations": Cell(CITIZEN, at(f"{V1}/fair-registrations")),
    f"GET {V1}/fair-registrations/{{registration_id}}": Cell(
        OWNED, at(f"{V1}/fair-registrations/{{registration}}")
    ),
    f"POST {V1}/fair-registrations/{{registration_id}}/cancel": Cell(
        OWNED, at(f"{V1}/fair-registrations/{{registration}}/cancel")
    ),
    # one graduate profile per citizen: the owner has one already
    f"POST {V1}/graduates": Cell(
        Rule(frozenset({"citizen"}), owner_status=409), at(f"{V1}/graduates", GRADUATE)
    ),
    # `me` is the caller's own profile: anyone without one meets none
    f"GET {V1}/graduates/me": Cell(OWNED, at(f"{V1}/graduates/me")),
    f"PATCH {V1}/graduates/me": Cell(OWNED, at(f"{V1}/graduates/me", {"district": "新城区"})),
    f"GET {V1}/retention": Cell(PUBLIC, at(f"{V1}/retention")),
    f"GET {V1}/programmes": Cell(PUBLIC, at(f"{V1}/programmes")),
    f"POST {V1}/programmes": Cell(STAFF, at(f"{V1}/programmes", PROGRAMME)),
    f"GET {V1}/programmes/{{programme_id}}": Cell(PUBLIC, at(f"{V1}/programmes/{{programme}}")),
    f"PATCH {V1}/programmes/{{programme_id}}": Cell(
        STAFF, at(f"{V1}/programmes/{{programme}}", {"description": "矩阵测试"})
    ),
    f"POST {V1}/programmes/{{programme_id}}/eligibility": Cell(
        CITIZEN, at(f"{V1}/programmes/{{programme}}/eligibility", {"facts": RENTER})
    ),
    f"POST {V1}/applications": Cell(
        CITIZEN,
        at(f"{V1}/applications", lambda ids: {"programme_id": ids["programme"], "facts": RENTER}),
    ),
    f"GET {V1}/applications": Cell(citizen_or_staff("jobs"), at(f"{V1}/applications")),
    f"GET {V1}/applications/{{application_id}}": Cell(
        owned_or_staff("jobs"), at(f"{V1}/applications/{{pending}}")
    ),
    # the applicant's own (CitizenDep, the lookup by applicant): staff hold no citizen role, admin
    # and another citizen meet no application; its own pending application, so the approve and
    # reject cells still find theirs pending when the requests commit (through the gateway)
    f"POST {V1}/applications/{{application_id}}/withdraw": Cell(
        OWNED, at(f"{V1}/applications/{{withdrawable}}/withdraw")
    ),
    f"POST {V1}/applications/{{application_id}}/approve": Cell(
        STAFF, at(f"{V1}/applications/{{pending}}/approve")
    ),
    f"POST {V1}/applications/{{application_id}}/reject": Cell(
        STAFF, at(f"{V1}/applications/{{pending}}/reject", {"reason": "矩阵测试"})
    ),
    f"POST {V1}/applications/{{application_id}}/disburse": Cell(
        STAFF, at(f"{V1}/applications/{{approved}}/disburse")
    ),
    f"GET {V1}/stations": Cell(PUBLIC, at(f"{V1}/stations")),
    f"POST {V1}/stations": Cell(STAFF, at(f"{V1}/stations", lambda _: station_body())),
    f"GET {V1}/stations.geojson": Cell(PUBLIC, at(f"{V1}/stations.geojson")),
    f"GET {V1}/stations/{{station_id}}": Cell(PUBLIC, at(f"{V1}/stations/{{station}}")),
    f"PATCH {V1}/stations/{{station_id}}": Cell(
        STAFF, at(f"{V1}/stations/{{station}}", {"phone": "0471-2222222"})
    ),
    f"POST {V1}/stations/{{station_id}}/check-ins": Cell(
        PUBLIC, at(f"{V1}/stations/{{station}}/check-ins", {"worker_type": "courier"})
    ),
    f"GET {V1}/stations/{{station_id}}/usage": Cell(PUBLIC, at(f"{V1}/stations/{{station}}/usage")),
    f"GET {V1}/stats": Cell(PUBLIC, at(f"{V1}/stats")),
    f"GET {V1}/me/summary": Cell(CITIZEN, at(f"{V1}/me/summary")),
    f"GET {V1}/audit": Cell(ADMIN, at(f"{V1}/audit")),
    # the notices are the citizen's own (another citizen's id is 404); undelivered is admin's
    f"GET {V1}/me/notifications": Cell(CITIZEN, at(f"{V1}/me/notifications")),
    f"POST {V1}/me/notifications/{{notification_id}}/read": Cell(
        OWNED, at(f"{V1}/me/notifications/{{notice}}/read")
    ),
    f"GET {V1}/admin/undelivered": Cell(ADMIN, at(f"{V1}/admin/undelivered")),
}


async def _created(r: httpx.Response) -> int:
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def scenario(app: FastAPI, client: httpx.AsyncClient, tokens: DevTokens) -> Ids:
    owner = tokens.headers(OWNER, "citizen")
    jobs_staff = tokens.headers("matrix-setup-staff", "jobs_staff")
    starts = datetime.now(UTC) + timedelta(days=10)
    ids: dict[str, Any] = {
        "fair": (await add_fair(app, starts_at=starts)).id,
        "open_fair": (await add_fair(app, starts_at=starts, name="矩阵招聘会")).id,
        "station": (await add_station(app)).id,
    }
    ids["posting"] = await _created(
        await client.post(f"{V1}/postings", json=posting_body(), headers=jobs_staff)
    )
    ids["registration"] = await _created(
        await client.post(f"{V1}/fairs/{ids['fair']}/registrations", headers=owner)
    )
    mine = {**GRADUATE, "university": UNIVERSITY}
    await _created(await client.post(f"{V1}/graduates", json=mine, headers=owner))
    ids["programme"] = await _created(
        await client.post(f"{V1}/programmes", json=PROGRAMME, headers=jobs_staff)
    )
    application = {"programme_id": ids["programme"], "facts": RENTER}
    ids["pending"] = await _created(
        await client.post(f"{V1}/applications", json=application, headers=owner)
    )
    ids["withdrawable"] = await _created(
        await client.post(f"{V1}/applications", json=application, headers=owner)
    )
    ids["approved"] = await _created(
        await client.post(f"{V1}/applications", json=application, headers=owner)
    )
    r = await client.post(f"{V1}/applications/{ids['approved']}/approve", headers=jobs_staff)
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    ids[PRIVATE] = (OWNER, UNIVERSITY)
    ids["notice"] = await first_notice(app, client, owner)
    return ids
