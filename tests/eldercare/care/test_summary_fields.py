"""What the citizen view needs to act on a care request or a renovation (issue 16 §3): the
provider staff assigned and the day the renovation crew comes, in `GET /eldercare/v1/me/summary`
as the gateway's mirror reads it; another citizen's summary shows none of it."""

from __future__ import annotations

from datetime import timedelta

import httpx

from common.clock import city_today
from gateway.clients.eldercare import EldercareSummary
from tests.eldercare.factories import create_elder
from tests.fixtures.tokens import DevTokens


async def test_the_summary_names_the_provider_and_the_crews_day(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    daughter = tokens.headers("summary-daughter", "citizen")
    staff = tokens.headers("summary-staff", "eldercare_staff")
    mum = await create_elder(client, daughter)
    care = await client.post(
        "/eldercare/v1/care-requests",
        json={"elder_id": mum["id"], "care_type": "meal"},
        headers=daughter,
    )
    waiting = await client.post(
        "/eldercare/v1/care-requests",
        json={"elder_id": mum["id"], "care_type": "cleaning"},
        headers=daughter,
    )
    renovation = await client.post(
        "/eldercare/v1/renovations",
        json={"elder_id": mum["id"], "items": ["handrails"], "details": "卫生间扶手"},
        headers=daughter,
    )
    works_day = (city_today() + timedelta(days=3)).isoformat()
    url = f"/eldercare/v1/renovations/{renovation.json()['id']}"
    assert (
        await client.post(
            f"/eldercare/v1/care-requests/{care.json()['id']}/assign",
            json={"provider_name": "兴康社区老年食堂"},
            headers=staff,
        )
    ).status_code == 200
    assert (await client.post(f"{url}/assess", json={}, headers=staff)).status_code == 200
    assert (
        await client.post(f"{url}/schedule", json={"scheduled_for": works_day}, headers=staff)
    ).status_code == 200

    r = await client.get("/eldercare/v1/me/summary", headers=daughter)
    stranger = await client.get(
        "/eldercare/v1/me/summary", headers=tokens.headers("summary-stranger", "citizen")
    )

    assert r.status_code == 200, r.text
    summary = r.json()
    EldercareSummary.model_validate(summary)
    providers = {c["id"]: c["provider_name"] for c in summary["care_requests"]}
    assert providers == {care.json()["id"]: "兴康社区老年食堂", waiting.json()["id"]: None}
    [planned] = summary["renovations"]
    assert (planned["status"], planned["scheduled_for"]) == ("scheduled", works_day)
    assert stranger.json()["care_requests"] == stranger.json()["renovations"] == []
