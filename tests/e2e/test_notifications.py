"""Notifications end to end, the real four processes on a seeded database with a push gateway on
loopback: a parent's child is offered a place, the gateway's merged inbox shows it (with the
parent's fair seat and care request from the other two services, newest first under one cursor),
and the push gateway receives it as a CloudEvent whose signature verifies with `standardwebhooks`.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from common.demo import DEMO_CITIZEN
from common.provisioning import ProvisionedDatabase
from tests.e2e.platform import Platform, four_processes
from tests.fixtures.tokens import DevTokens
from tests.fixtures.waiting import eventually_sync
from tests.fixtures.webhook_receiver import Receiver, webhook_receiver

pytestmark = pytest.mark.e2e
SECRET = "whsec_" + base64.b64encode(b"a push gateway secret of 32 byte").decode()
NATIONAL_ID = re.compile(r"\d{17}[\dXx]")


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


@pytest.fixture(scope="module")
def platform(db: ProvisionedDatabase, tokens: DevTokens, receiver: Receiver) -> Iterator[Platform]:
    env = {
        "NOTIFY_WEBHOOK_URL": receiver.url,
        "NOTIFY_WEBHOOK_SECRET": SECRET,
        "NOTIFY_POLL_SECONDS": "0.1",
    }
    with four_processes(db, tokens, {"AGGREGATE_DEADLINE_SECONDS": "5"}, service_env=env) as p:
        yield p


@pytest.fixture(scope="module")
def gw(platform: Platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.gateway, timeout=15) as client:
        yield client


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


def feed(gw: httpx.Client, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = ok(gw.get("/wellbeing/v1/notifications", headers=headers, params=params))
    return body


def _offer_to_the_demo_parent(gw: httpx.Client, tokens: DevTokens) -> tuple[int, str]:
    """One place, taken by a neighbour's child; the demo parent's child waits, the neighbour
    gives the place up, the demo child is offered it. Returns (enrollment id, institution)."""
    staff = tokens.headers("nt-childcare-staff", "childcare_staff")
    name = "通知测试托育园"
    institution = ok(
        gw.post(
            "/childcare/v1/institutions",
            json={
                "name": name,
                "district": "赛罕区",
                "address": "赛罕区通知路1号",
                "location": {"lat": 40.80, "lon": 111.73},
                "kind": "private",
                "capacity": 1,
                "monthly_fee_fen": 150_000,
                "min_age_months": 6,
                "max_age_months": 36,
                "opening_hours": "07:30-18:00",
                "phone": "0471-1234567",
            },
            headers=staff,
        ),
        201,
    )
    start = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    birth = (datetime.now(UTC) - timedelta(days=600)).date().isoformat()
    ids = []
    for sub, child_name in (("nt-neighbour", "邻家娃"), (DEMO_CITIZEN, "小明")):
        parent = tokens.headers(sub, "citizen")
        child = ok(
            gw.post(
                "/childcare/v1/children",
                json={"name": child_name, "birth_date": birth},
                headers=parent,
            ),
            201,
        )
        ids.append(
            ok(
                gw.post(
                    "/childcare/v1/enrollments",
                    json={
                        "child_id": child["id"],
                        "institution_id": institution["id"],
                        "start_date": start,
                    },
                    headers=parent,
                ),
                201,
            )["id"]
        )
    ok(
        gw.post(
            f"/childcare/v1/enrollments/{ids[0]}/withdraw",
            headers=tokens.headers("nt-neighbour", "citizen"),
        )
    )
    return ids[1], name


def test_an_offer_reaches_the_inbox_and_the_push_gateway_signed(
    gw: httpx.Client, tokens: DevTokens, receiver: Receiver
) -> None:
    parent = tokens.headers(DEMO_CITIZEN, "citizen")
    enrollment_id, institution = _offer_to_the_demo_parent(gw, tokens)

    shown = eventually_sync(
        lambda: feed(gw, parent),
        lambda f: any(i["kind"] == "childcare.offer_made" for i in f["items"]),
    )
    offer = next(i for i in shown["items"] if i["kind"] == "childcare.offer_made")
    assert offer["subject"] == f"enrollment/{enrollment_id}"
    assert institution in offer["body"] and "小明" in offer["body"]
    # Chinese first: the catalogue's text by default, English on request, the kind unchanged
    assert offer["title"] == "托育学位已为您保留"
    assert "请在" in offer["body"] and "前确认接受" in offer["body"]
    english = feed(gw, {**parent, "Accept-Language": "en"})
    offer_en = next(i for i in english["items"] if i["id"] == offer["id"])
    assert offer_en["title"] == "A childcare place is offered"
    assert offer_en["kind"] == offer["kind"] and "Accept it before" in offer_en["body"]
    assert offer["id"].startswith("childcare-") and offer["read"] is False
    assert shown["complete"] is True
    assert {s["status"] for s in shown["sources"].values()} == {"ok"}

    def offers() -> list[Any]:
        found = []
        for delivery in receiver.received():
            event = json.loads(delivery.body)
            if (
                event["type"].endswith("childcare.offer_made")
                and event["data"]["recipient_sub"] == DEMO_CITIZEN
            ):
                found.append((delivery, event))
        return found

    delivery, event = eventually_sync(offers, bool)[0]
    # the receiver's own check, with the library: id, timestamp and signature over the body
    assert Webhook(SECRET).verify(delivery.body, delivery.headers) == event
    assert delivery.headers["content-type"].startswith("application/cloudevents+json")
    assert event["specversion"] == "1.0" and event["source"] == "/childcare/v1"
    assert delivery.headers["webhook-id"] == event["id"]
    assert event["subject"] == f"enrollment/{enrollment_id}"
    assert event["data"]["params"]["institution_name"] == institution
    assert not NATIONAL_ID.search(delivery.body.decode())


def test_the_merged_inbox_pages_newest_first_and_reads_at_the_owner(
    gw: httpx.Client, tokens: DevTokens
) -> None:
    sub = "nt-merged"
    citizen = tokens.headers(sub, "citizen")
    # jobs: a seat at a fair
    fair = ok(
        gw.post(
            "/jobs/v1/fairs",
            json={
                "name": "通知测试招聘会",
                "starts_at": (datetime.now(UTC) + timedelta(days=20)).isoformat(),
                "ends_at": (datetime.now(UTC) + timedelta(days=20, hours=6)).isoformat(),
                "venue": "内蒙古国际会展中心",
                "address": "赛罕区展览路1号",
                "district": "赛罕区",
                "capacity": 5,
                "employers": [],
            },
            headers=tokens.headers("nt-jobs-staff", "jobs_staff"),
        ),
        201,
    )
    ok(gw.post(f"/jobs/v1/fairs/{fair['id']}/registrations", headers=citizen), 201)
    # eldercare: a care request for a parent, assigned by staff
    mum = ok(
        gw.post(
            "/eldercare/v1/elders",
            json={"name": "通知测试老人", "birth_date": "1944-03-01", "lives_alone": True},
            headers=citizen,
        ),
        201,
    )
    asked = ok(
        gw.post(
            "/eldercare/v1/care-requests",
            json={"elder_id": mum["id"], "care_type": "meal"},
            headers=citizen,
        ),
        201,
    )
    ok(
        gw.post(
            f"/eldercare/v1/care-requests/{asked['id']}/assign",
            json={"provider_name": "社区助餐点"},
            headers=tokens.headers("nt-eldercare-staff", "eldercare_staff"),
        )
    )

    whole = eventually_sync(lambda: feed(gw, citizen, limit=100), lambda f: len(f["items"]) == 2)
    assert [i["kind"] for i in whole["items"]] == [
        "eldercare.care_request_assigned",
        "jobs.fair_registration_confirmed",
    ]
    assert whole["unread"] == 2 and whole["next_cursor"] is None
    # one at a time: the same notices in the same order, then no cursor
    first = feed(gw, citizen, limit=1)
    second = feed(gw, citizen, limit=1, cursor=first["next_cursor"])
    assert [i["id"] for i in first["items"] + second["items"]] == [i["id"] for i in whole["items"]]
    # a full page of one source may hide more: the cursor goes on until a page comes back empty
    third = feed(gw, citizen, limit=1, cursor=second["next_cursor"])
    assert third["items"] == [] and third["next_cursor"] is None

    notice = whole["items"][1]["id"]
    stolen = gw.post(
        f"/wellbeing/v1/notifications/{notice}/read", headers=tokens.headers("nt-other", "citizen")
    )
    assert stolen.status_code == 404 and stolen.json()["code"] == "notification_not_found"
    read = ok(gw.post(f"/wellbeing/v1/notifications/{notice}/read", headers=citizen))
    assert read["id"] == notice and read["read"] is True
    assert feed(gw, citizen)["unread"] == 1
    bogus = gw.post("/wellbeing/v1/notifications/nowhere-1/read", headers=citizen)
    assert bogus.status_code == 404
    bad = gw.get("/wellbeing/v1/notifications", params={"cursor": "!!"}, headers=citizen)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"


def test_a_source_that_is_down_is_named_and_the_others_still_served(
    gw: httpx.Client, tokens: DevTokens, platform: Platform
) -> None:
    """Last in the module: it stops the jobs service."""
    citizen = tokens.headers("nt-merged", "citizen")
    platform.stop("jobs")

    shown = feed(gw, citizen, limit=100)

    assert shown["complete"] is False
    assert shown["sources"]["jobs"]["status"] == "unavailable"
    assert shown["sources"]["jobs"]["unread"] is None
    assert shown["sources"]["eldercare"]["status"] == "ok"
    assert [i["service"] for i in shown["items"]] == ["eldercare"]
    assert shown["unread"] == shown["sources"]["eldercare"]["unread"]
