"""`GET /wellbeing/v1/me` against real loopback backends that answer, hang, refuse, or answer
outside their contract: always 200 inside the deadline, each section saying what happened."""

from __future__ import annotations

import pytest

from tests.fixtures.tokens import DevTokens
from tests.gateway.conftest import GatewayFactory, dead_url, set_modes

DEADLINE = 0.8
SERVICES = ("childcare", "jobs", "eldercare")


def _urls(contract_url: str, **replaced: str) -> dict[str, str]:
    return {f"{s}_url": replaced.get(s, contract_url) for s in SERVICES}


async def test_all_three_sections_typed_and_complete(
    make_gateway: GatewayFactory, contract_url: str, tokens: DevTokens
) -> None:
    await set_modes(contract_url)
    async with make_gateway(**_urls(contract_url)) as gw:
        r = await gw.get("/wellbeing/v1/me", headers=tokens.headers("citizen-7", "citizen"))

    assert r.status_code == 200, r.text
    view = r.json()
    assert view["sub"] == "citizen-7" and view["complete"] is True
    assert {view[s]["status"] for s in SERVICES} == {"ok"}
    child = view["childcare"]["data"]["children"][0]
    assert child["name"] == "萱萱" and child["age_months"] == 22
    # unknown fields of a service are not passed on: the gateway's mirror is the contract
    assert "favourite_toy" not in child
    assert view["childcare"]["data"]["enrollments"][0]["waitlist_position"] == 2
    assert view["jobs"]["data"]["graduate"]["retention"] == "stayed"
    application = view["jobs"]["data"]["applications"][0]
    assert application["amount_fen"] == 60000
    assert application["decision_note"] == "材料齐全，予以批准"
    assert view["eldercare"]["data"]["elders"][0]["age_years"] == 82
    care = view["eldercare"]["data"]["care_requests"][0]
    assert (care["status"], care["provider_name"]) == ("assigned", "兴康社区老年食堂")
    renovation = view["eldercare"]["data"]["renovations"][0]
    assert (renovation["status"], renovation["scheduled_for"]) == ("scheduled", "2026-12-10")
    assert r.headers["cache-control"] == "no-store"


# (what the backend of one service does, the status its section gets)
FAILURES = [
    ("down", "unavailable"),
    ("slow", "timeout"),
    ("unavailable", "unavailable"),
    ("garbage", "error"),
    ("wrong_shape", "error"),
    ("not_found", "error"),
    ("crash", "error"),
]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize(("behaviour", "expected"), FAILURES)
async def test_one_failing_service_degrades_only_its_section(
    make_gateway: GatewayFactory,
    contract_url: str,
    tokens: DevTokens,
    service: str,
    behaviour: str,
    expected: str,
) -> None:
    if behaviour == "down":
        await set_modes(contract_url)
        urls = _urls(contract_url, **{service: dead_url()})
    else:
        await set_modes(contract_url, **{service: behaviour})
        urls = _urls(contract_url)
    async with make_gateway(aggregate_deadline_seconds=DEADLINE, **urls) as gw:
        r = await gw.get("/wellbeing/v1/me", headers=tokens.headers("citizen-8", "citizen"))

    assert r.status_code == 200, r.text
    view = r.json()
    assert view["complete"] is False
    assert view[service]["status"] == expected
    assert view[service]["data"] is None
    assert view[service]["detail"]
    # the backend's own text never reaches the citizen
    assert "secret.internal" not in r.text and "Traceback" not in r.text
    for other in set(SERVICES) - {service}:
        assert view[other]["status"] == "ok" and view[other]["data"] is not None


async def test_every_service_failing_at_once_still_answers_inside_the_deadline(
    make_gateway: GatewayFactory, contract_url: str, tokens: DevTokens
) -> None:
    await set_modes(contract_url, childcare="slow", jobs="not_found")
    urls = _urls(contract_url, eldercare=dead_url())
    async with make_gateway(aggregate_deadline_seconds=DEADLINE, **urls) as gw:
        r = await gw.get("/wellbeing/v1/me", headers=tokens.headers("citizen-9", "citizen"))

    assert r.status_code == 200
    view = r.json()
    assert (view["childcare"]["status"], view["jobs"]["status"], view["eldercare"]["status"]) == (
        "timeout",
        "error",
        "unavailable",
    )
    assert view["complete"] is False


async def test_the_view_needs_a_citizen_token(
    make_gateway: GatewayFactory, contract_url: str, tokens: DevTokens
) -> None:
    await set_modes(contract_url)
    async with make_gateway(**_urls(contract_url)) as gw:
        anonymous = await gw.get("/wellbeing/v1/me")
        staff = await gw.get("/wellbeing/v1/me", headers=tokens.headers("s-1", "jobs_staff"))
        bad = await gw.get("/wellbeing/v1/me", headers={"Authorization": "Bearer nonsense"})

    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "unauthenticated")
    assert (staff.status_code, staff.json()["code"]) == (403, "forbidden")
    assert (bad.status_code, bad.json()["code"]) == (401, "invalid_token")
