"""Age-friendly renovations: requested → assessed → scheduled → completed, a moment per step;
a citizen may only cancel; strangers get 404; staff access audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from common.clock import city_today
from tests.eldercare.factories import audit_rows, create_elder
from tests.fixtures.clock import MovableClock
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


async def _ask(client: httpx.AsyncClient, headers: dict[str, str], elder_id: int) -> dict[str, Any]:
    r = await client.post(
        "/eldercare/v1/renovations",
        json={
            "elder_id": elder_id,
            "items": ["handrails", "bathroom", "handrails"],
            "details": "卫生间扶手",
        },
        headers=headers,
    )
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


async def test_a_handrail_from_request_to_completion(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI, clock: MovableClock
) -> None:
    son = tokens.headers("reno-1", "citizen")
    mum = await create_elder(client, son)
    staff = tokens.headers("reno-staff-1", "eldercare_staff")
    asked = await _ask(client, son, mum["id"])
    url = f"/eldercare/v1/renovations/{asked['id']}"
    works_day = (city_today() + timedelta(days=10)).isoformat()

    assessed = await client.patch(
        url,
        json={
            "status": "assessed",
            "estimated_cost_fen": 120000,
            "assessment_note": "需加装两处扶手",
            "items": ["handrails", "bathroom", "anti_slip_flooring"],
        },
        headers=staff,
    )
    no_date = await client.patch(url, json={"status": "scheduled"}, headers=staff)
    scheduled = await client.patch(
        url, json={"status": "scheduled", "scheduled_for": works_day}, headers=staff
    )
    # completed is final: not months before the day the works are planned for
    too_early = await client.patch(url, json={"status": "completed"}, headers=staff)
    clock.advance(days=10)
    completed = await client.patch(url, json={"status": "completed"}, headers=staff)

    assert asked["status"] == "requested" and asked["items"] == ["handrails", "bathroom"]
    assert assessed.json()["status"] == "assessed" and assessed.json()["assessed_at"]
    assert assessed.json()["estimated_cost_fen"] == 120000
    assert assessed.json()["items"] == ["handrails", "bathroom", "anti_slip_flooring"]
    assert_problem(no_date, 422, "scheduled_for_required")
    assert scheduled.json()["scheduled_for"] == works_day and scheduled.json()["scheduled_at"]
    assert (
        assert_problem(too_early, 409, "completed_before_scheduled")["scheduled_for"] == works_day
    )
    done = completed.json()
    assert done["status"] == "completed"
    assert (
        done["requested_at"] <= done["assessed_at"] <= done["scheduled_at"] <= done["completed_at"]
    )
    actions = [r["action"] for r in await audit_rows(eldercare_app, f"renovation/{asked['id']}")]
    assert actions == ["update_renovation"] * 3  # the refused move wrote nothing
    seen = await client.get(url, headers=son)
    assert seen.json() == done


async def test_every_illegal_move_is_409_invalid_transition(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    son = tokens.headers("reno-2", "citizen")
    mum = await create_elder(client, son)
    staff = tokens.headers("reno-staff-2", "eldercare_staff")
    later = (city_today() + timedelta(days=3)).isoformat()

    fresh = (await _ask(client, son, mum["id"]))["id"]
    skips = [
        await client.patch(
            f"/eldercare/v1/renovations/{fresh}",
            json={"status": "scheduled", "scheduled_for": later},
            headers=staff,
        ),
        await client.patch(
            f"/eldercare/v1/renovations/{fresh}", json={"status": "completed"}, headers=staff
        ),
        await client.patch(
            f"/eldercare/v1/renovations/{fresh}", json={"status": "requested"}, headers=staff
        ),
    ]
    done = (await _ask(client, son, mum["id"]))["id"]
    for step in (
        {"status": "assessed"},
        {"status": "scheduled", "scheduled_for": city_today().isoformat()},  # works done today
        {"status": "completed"},
    ):
        assert (
            await client.patch(f"/eldercare/v1/renovations/{done}", json=step, headers=staff)
        ).status_code == 200
    closed = [
        await client.patch(f"/eldercare/v1/renovations/{done}", json={"status": s}, headers=staff)
        for s in ("cancelled", "assessed", "completed")
    ]
    cancelled = (await _ask(client, son, mum["id"]))["id"]
    await client.patch(
        f"/eldercare/v1/renovations/{cancelled}", json={"status": "cancelled"}, headers=son
    )
    after_cancel = [
        await client.patch(
            f"/eldercare/v1/renovations/{cancelled}", json={"status": s}, headers=staff
        )
        for s in ("assessed", "cancelled")
    ]

    for r in [*skips, *closed, *after_cancel]:
        assert_problem(r, 409, "invalid_transition")
    edit_closed = await client.patch(
        f"/eldercare/v1/renovations/{done}", json={"assessment_note": "x"}, headers=staff
    )
    assert_problem(edit_closed, 409, "renovation_closed")


async def test_a_citizen_may_only_cancel_and_a_stranger_sees_nothing(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    son = tokens.headers("reno-3", "citizen")
    mum = await create_elder(client, son)
    rid = (await _ask(client, son, mum["id"]))["id"]
    stranger = tokens.headers("reno-x3", "citizen")
    url = f"/eldercare/v1/renovations/{rid}"

    assess = await client.patch(url, json={"status": "assessed"}, headers=son)
    peek = await client.get(url, headers=stranger)
    meddle = await client.patch(url, json={"status": "cancelled"}, headers=stranger)
    ask = await client.post(
        "/eldercare/v1/renovations",
        json={"elder_id": mum["id"], "items": ["ramp"]},
        headers=stranger,
    )
    cancel = await client.patch(url, json={"status": "cancelled"}, headers=son)

    assert_problem(assess, 403, "staff_only")
    assert_problem(peek, 404, "renovation_not_found")
    assert_problem(meddle, 404, "renovation_not_found")
    assert_problem(ask, 404, "elder_not_found")
    assert cancel.json()["status"] == "cancelled" and cancel.json()["cancelled_at"]
    assert (await client.get("/eldercare/v1/renovations", headers=stranger)).json()["items"] == []


async def test_dates_and_staff_reads(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    son = tokens.headers("reno-4", "citizen")
    mum = await create_elder(client, son)
    rid = (await _ask(client, son, mum["id"]))["id"]
    staff = tokens.headers("reno-staff-4", "eldercare_staff")
    url = f"/eldercare/v1/renovations/{rid}"
    await client.patch(url, json={"status": "assessed"}, headers=staff)

    early = await client.patch(
        url, json={"scheduled_for": (city_today() + timedelta(days=2)).isoformat()}, headers=staff
    )
    past = await client.patch(
        url,
        json={
            "status": "scheduled",
            "scheduled_for": (city_today() - timedelta(days=1)).isoformat(),
        },
        headers=staff,
    )
    read = await client.get(url, headers=staff)
    listed = await client.get(
        "/eldercare/v1/renovations",
        params={"status": "assessed", "elder_id": mum["id"]},
        headers=staff,
    )

    assert_problem(early, 422, "scheduled_for_needs_scheduled")
    assert_problem(past, 422, "date_in_past")
    assert read.json()["status"] == "assessed"
    assert [r["id"] for r in listed.json()["items"]] == [rid]
    actions = [r["action"] for r in await audit_rows(eldercare_app, f"renovation/{rid}")]
    assert actions == ["update_renovation", "read_renovation", "read_renovation"]


async def test_the_verbs_walk_the_steps_and_the_older_patch_still_does(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI, clock: MovableClock
) -> None:
    son = tokens.headers("reno-5", "citizen")
    mum = await create_elder(client, son)
    staff = tokens.headers("reno-staff-5", "eldercare_staff")
    asked = await _ask(client, son, mum["id"])
    other = await _ask(client, son, mum["id"])
    url = f"/eldercare/v1/renovations/{asked['id']}"
    works_day = (city_today() + timedelta(days=4)).isoformat()

    by_son = await client.post(f"{url}/assess", headers=son)
    skipped = await client.post(f"{url}/complete", headers=staff)
    assessed = await client.post(
        f"{url}/assess",
        json={"estimated_cost_fen": 80000, "items": ["ramp"], "assessment_note": "门口坡道"},
        headers=staff,
    )
    no_day = await client.post(f"{url}/schedule", json={}, headers=staff)
    past = await client.post(
        f"{url}/schedule",
        json={"scheduled_for": (city_today() - timedelta(days=1)).isoformat()},
        headers=staff,
    )
    scheduled = await client.post(
        f"{url}/schedule", json={"scheduled_for": works_day}, headers=staff
    )
    too_early = await client.post(f"{url}/complete", headers=staff)
    clock.advance(days=4)
    completed = await client.post(f"{url}/complete", headers=staff)
    reassess = await client.post(f"{url}/assess", json={"assessment_note": "x"}, headers=staff)
    late_cancel = await client.post(f"{url}/cancel", headers=son)
    # the other one the son cancels by the verb; the PATCH form answers the same for the next
    cancelled = await client.post(f"/eldercare/v1/renovations/{other['id']}/cancel", headers=son)
    again = await client.patch(
        f"/eldercare/v1/renovations/{other['id']}", json={"status": "cancelled"}, headers=son
    )

    assert_problem(by_son, 403, "forbidden")
    assert_problem(skipped, 409, "invalid_transition")
    assert assessed.json()["status"] == "assessed" and assessed.json()["items"] == ["ramp"]
    assert assessed.json()["estimated_cost_fen"] == 80000
    assert assessed.json()["assessment_note"] == "门口坡道"
    assert_problem(no_day, 422, "validation_error")
    assert_problem(past, 422, "date_in_past")
    assert scheduled.json()["status"] == "scheduled"
    assert scheduled.json()["scheduled_for"] == works_day
    assert_problem(too_early, 409, "completed_before_scheduled")
    assert completed.json()["status"] == "completed" and completed.json()["completed_at"]
    assert_problem(reassess, 409, "renovation_closed")
    assert_problem(late_cancel, 409, "invalid_transition")
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancelled_at"]
    assert_problem(again, 409, "invalid_transition")
    actions = [r["action"] for r in await audit_rows(eldercare_app, f"renovation/{asked['id']}")]
    assert actions == ["assess_renovation", "schedule_renovation", "complete_renovation"]
