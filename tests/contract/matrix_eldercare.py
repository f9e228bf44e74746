"""eldercare in the authorization matrix: each operation's rule and request, and the records the
requests name (a community, a facility, activities, the owner's elder profile, registration,
care requests and renovations at each step of their lifecycles)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from common.clock import city_today
from tests.contract.authorization import (
    ADMIN,
    CITIZEN,
    OWNED,
    PRIVATE,
    PUBLIC,
    Cell,
    Ids,
    at,
    citizen_or_staff,
    owned_or_staff,
    staff,
)
from tests.contract.principals import OWNER
from tests.eldercare.factories import (
    FAR_AWAY,
    add_activity,
    add_community,
    add_facility,
    create_elder,
)
from tests.fixtures.notices import first_notice
from tests.fixtures.tokens import DevTokens

STAFF = staff("eldercare")
ELDER_READERS = citizen_or_staff("eldercare")
ELDERS_OWN = owned_or_staff("eldercare")
V1 = "/eldercare/v1"
ELDER = "矩阵私家老人"


def activity_body(ids: Ids) -> dict[str, Any]:
    starts = datetime.now(UTC) + timedelta(days=3)
    return {
        "title": "矩阵书法班",
        "category": "calligraphy",
        "community_id": ids["community"],
        "place": "矩阵活动室",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "capacity": 10,
    }


def _tomorrow() -> str:
    return (city_today() + timedelta(days=1)).isoformat()


RULES: dict[str, Cell] = {
    f"GET {V1}/facilities": Cell(PUBLIC, at(f"{V1}/facilities")),
    f"GET {V1}/facilities/{{facility_id}}": Cell(PUBLIC, at(f"{V1}/facilities/{{facility}}")),
    f"GET {V1}/communities": Cell(PUBLIC, at(f"{V1}/communities")),
    f"GET {V1}/communities/{{community_id}}": Cell(PUBLIC, at(f"{V1}/communities/{{community}}")),
    f"GET {V1}/communities/{{community_id}}/circle": Cell(
        PUBLIC, at(f"{V1}/communities/{{community}}/circle")
    ),
    f"GET {V1}/circle": Cell(PUBLIC, at(f"{V1}/circle?lat={FAR_AWAY[0]}&lon={FAR_AWAY[1]}")),
    f"GET {V1}/activities": Cell(PUBLIC, at(f"{V1}/activities")),
    f"POST {V1}/activities": Cell(STAFF, at(f"{V1}/activities", activity_body)),
    f"GET {V1}/activities/{{activity_id}}": Cell(PUBLIC, at(f"{V1}/activities/{{activity}}")),
    f"PATCH {V1}/activities/{{activity_id}}": Cell(
        STAFF, at(f"{V1}/activities/{{activity}}", {"place": "二楼活动室"})
    ),
    # a session the owner has no seat in yet, for themself
    f"POST {V1}/activities/{{activity_id}}/registrations": Cell(
        CITIZEN, at(f"{V1}/activities/{{open_activity}}/registrations", {})
    ),
    f"GET {V1}/activity-registrations": Cell(CITIZEN, at(f"{V1}/activity-registrations")),
    f"POST {V1}/activity-registrations/{{registration_id}}/cancel": Cell(
        OWNED, at(f"{V1}/activity-registrations/{{registration}}/cancel")
    ),
    f"POST {V1}/elders": Cell(
        ELDER_READERS,
        at(f"{V1}/elders", {"name": "矩阵老人", "birth_date": "1940-05-01"}),
    ),
    f"GET {V1}/elders": Cell(ELDER_READERS, at(f"{V1}/elders")),
    f"GET {V1}/elders/{{elder_id}}": Cell(ELDERS_OWN, at(f"{V1}/elders/{{elder}}")),
    # the elder or linked family, or eldercare staff and admin (audited); to another citizen the
    # profile does not exist, other services' staff lack the role
    f"PATCH {V1}/elders/{{elder_id}}": Cell(
        ELDERS_OWN, at(f"{V1}/elders/{{elder}}", {"lives_alone": True})
    ),
    f"POST {V1}/elders/{{elder_id}}/visits": Cell(
        STAFF,
        at(f"{V1}/elders/{{elder}}/visits", {"visitor_name": "网格员", "outcome": "completed"}),
    ),
    f"GET {V1}/at-risk": Cell(STAFF, at(f"{V1}/at-risk")),
    # the body names the owner's elder: to anyone else but staff that elder does not exist
    f"POST {V1}/care-requests": Cell(
        ELDERS_OWN,
        at(f"{V1}/care-requests", lambda ids: {"elder_id": ids["elder"], "care_type": "meal"}),
    ),
    f"GET {V1}/care-requests": Cell(ELDER_READERS, at(f"{V1}/care-requests")),
    f"GET {V1}/care-requests/{{care_request_id}}": Cell(
        ELDERS_OWN, at(f"{V1}/care-requests/{{care_requested}}")
    ),
    f"POST {V1}/care-requests/{{care_request_id}}/assign": Cell(
        STAFF, at(f"{V1}/care-requests/{{care_requested}}/assign", {"provider_name": "矩阵助餐"})
    ),
    f"POST {V1}/care-requests/{{care_request_id}}/complete": Cell(
        STAFF, at(f"{V1}/care-requests/{{care_assigned}}/complete")
    ),
    f"POST {V1}/care-requests/{{care_request_id}}/cancel": Cell(
        ELDERS_OWN, at(f"{V1}/care-requests/{{care_requested}}/cancel")
    ),
    f"POST {V1}/renovations": Cell(
        ELDERS_OWN,
        at(f"{V1}/renovations", lambda ids: {"elder_id": ids["elder"], "items": ["handrails"]}),
    ),
    f"GET {V1}/renovations": Cell(ELDER_READERS, at(f"{V1}/renovations")),
    f"GET {V1}/renovations/{{renovation_id}}": Cell(
        ELDERS_OWN, at(f"{V1}/renovations/{{reno_requested}}")
    ),
    # a citizen may only cancel through PATCH; staff may too
    f"PATCH {V1}/renovations/{{renovation_id}}": Cell(
        ELDERS_OWN, at(f"{V1}/renovations/{{reno_requested}}", {"status": "cancelled"})
    ),
    f"POST {V1}/renovations/{{renovation_id}}/assess": Cell(
        STAFF, at(f"{V1}/renovations/{{reno_requested}}/assess")
    ),
    f"POST {V1}/renovations/{{renovation_id}}/schedule": Cell(
        STAFF,
        at(
            f"{V1}/renovations/{{reno_assessed}}/schedule", lambda _: {"scheduled_for": _tomorrow()}
        ),
    ),
    f"POST {V1}/renovations/{{renovation_id}}/complete": Cell(
        STAFF, at(f"{V1}/renovations/{{reno_scheduled}}/complete")
    ),
    f"POST {V1}/renovations/{{renovation_id}}/cancel": Cell(
        ELDERS_OWN, at(f"{V1}/renovations/{{reno_requested}}/cancel")
    ),
    f"GET {V1}/me/summary": Cell(CITIZEN, at(f"{V1}/me/summary")),
    f"GET {V1}/stats": Cell(PUBLIC, at(f"{V1}/stats")),
    f"GET {V1}/audit": Cell(ADMIN, at(f"{V1}/audit")),
    # the notices are the citizen's own (another citizen's id is 404); undelivered is admin's
    f"GET {V1}/me/notifications": Cell(CITIZEN, at(f"{V1}/me/notifications")),
    f"POST {V1}/me/notifications/{{notification_id}}/read": Cell(
        OWNED, at(f"{V1}/me/notifications/{{notice}}/read")
    ),
    f"GET {V1}/admin/undelivered": Cell(ADMIN, at(f"{V1}/admin/undelivered")),
}


async def _moved(client: httpx.AsyncClient, path: str, body: Any, headers: dict[str, str]) -> None:
    r = await client.post(path, json=body, headers=headers)
    assert r.status_code == 200, r.text


async def _created(r: httpx.Response) -> int:
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def scenario(app: FastAPI, client: httpx.AsyncClient, tokens: DevTokens) -> Ids:
    owner = tokens.headers(OWNER, "citizen")
    staff_headers = tokens.headers("matrix-setup-staff", "eldercare_staff")
    community = await add_community(app)
    ids: dict[str, Any] = {
        "community": community.id,
        "facility": (await add_facility(app, community, "canteen", FAR_AWAY)).id,
        "activity": (await add_activity(app, community, capacity=10)).id,
        "open_activity": (await add_activity(app, community, capacity=10, title="矩阵舞蹈班")).id,
    }
    ids["registration"] = await _created(
        await client.post(
            f"{V1}/activities/{ids['activity']}/registrations", json={}, headers=owner
        )
    )
    ids["elder"] = (await create_elder(client, owner, name=ELDER))["id"]
    ids[PRIVATE] = (OWNER, ELDER)
    care = {"elder_id": ids["elder"], "care_type": "meal"}
    ids["care_requested"] = await _created(
        await client.post(f"{V1}/care-requests", json=care, headers=owner)
    )
    ids["care_assigned"] = await _created(
        await client.post(f"{V1}/care-requests", json=care, headers=owner)
    )
    await _moved(
        client,
        f"{V1}/care-requests/{ids['care_assigned']}/assign",
        {"provider_name": "矩阵助餐"},
        staff_headers,
    )
    renovation = {"elder_id": ids["elder"], "items": ["handrails"]}
    for name in ("reno_requested", "reno_assessed", "reno_scheduled"):
        ids[name] = await _created(
            await client.post(f"{V1}/renovations", json=renovation, headers=owner)
        )
    for name in ("reno_assessed", "reno_scheduled"):
        await _moved(client, f"{V1}/renovations/{ids[name]}/assess", None, staff_headers)
    today = {"scheduled_for": city_today().isoformat()}
    await _moved(client, f"{V1}/renovations/{ids['reno_scheduled']}/schedule", today, staff_headers)
    ids["notice"] = await first_notice(app, client, owner)
    return ids
