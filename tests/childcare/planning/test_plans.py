"""Capacity plans: the 2023 plan, its progress, and projects moving planned → opened."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from common.state import service_context
from services.childcare.seed import seed
from tests.fixtures.clients import isolated_client
from tests.fixtures.tokens import DevTokens


@pytest.fixture
async def seeded(childcare_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(childcare_app) as client:
        async with service_context(childcare_app).database.sessionmaker() as session:
            assert await seed(session) is True
            await session.commit()
        yield client


@pytest.fixture
def staff(tokens: DevTokens) -> dict[str, str]:
    return tokens.headers("staff-plan", "childcare_staff")


async def _plan(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.get("/childcare/v1/plans/2023")
    assert r.status_code == 200
    body: dict[str, Any] = r.json()
    return body


async def _project(client: httpx.AsyncClient, category: str) -> dict[str, Any]:
    project: dict[str, Any] = next(
        p for p in (await _plan(client))["projects"] if p["category"] == category
    )
    return project


async def test_plan_2023_has_the_reported_targets_and_split(seeded: httpx.AsyncClient) -> None:
    plan = await _plan(seeded)

    assert (plan["year"], plan["target_institutions"], plan["target_slots"]) == (2023, 45, 2880)
    split = {c["category"]: (c["projects"], c["slots"]) for c in plan["by_category"]}
    assert {k: n for k, (n, _) in split.items()} == {"public": 9, "community": 13, "private": 23}
    assert sum(slots for _, slots in split.values()) == 2880
    assert [(s["status"], s["projects"], s["slots"]) for s in plan["by_status"]] == [
        ("planned", 45, 2880),
        ("under_construction", 0, 0),
        ("opened", 0, 0),
    ]
    assert len(plan["projects"]) == 45
    assert {p["status"] for p in plan["projects"]} == {"planned"}
    assert sum(p["planned_slots"] for p in plan["projects"]) == 2880
    assert all(p["institution_id"] is None for p in plan["projects"])
    listed = (await seeded.get("/childcare/v1/plans")).json()
    assert [p["year"] for p in listed["items"]] == [2023]
    assert listed["items"][0]["target_slots"] == 2880 and "projects" not in listed["items"][0]


async def test_plan_coordinates_follow_coord_sys(seeded: httpx.AsyncClient) -> None:
    wgs = (await _plan(seeded))["projects"][0]["location"]
    gcj = (await seeded.get("/childcare/v1/plans/2023", params={"coord_sys": "gcj02"})).json()[
        "projects"
    ][0]["location"]

    assert gcj["coord_sys"] == "gcj02"
    assert gcj["lat"] != wgs["lat"] and abs(gcj["lon"] - wgs["lon"]) < 0.01


async def test_unknown_plan_and_project_are_404(
    seeded: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    plan = await seeded.get("/childcare/v1/plans/2031")
    project = await seeded.patch(
        "/childcare/v1/plan-projects/999999999", json={"status": "opened"}, headers=staff
    )

    assert plan.status_code == 404 and plan.json()["code"] == "plan_not_found"
    assert project.status_code == 404 and project.json()["code"] == "plan_project_not_found"


async def test_a_project_moves_forward_one_step_at_a_time(
    seeded: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    project = await _project(seeded, "community")
    url = f"/childcare/v1/plan-projects/{project['id']}"

    skip = await seeded.patch(url, json={"status": "opened"}, headers=staff)
    same = await seeded.patch(url, json={"status": "planned"}, headers=staff)
    built = await seeded.patch(url, json={"status": "under_construction"}, headers=staff)
    back = await seeded.patch(url, json={"status": "planned"}, headers=staff)

    assert skip.status_code == 409 and skip.json()["code"] == "invalid_transition"
    assert skip.json()["current_status"] == "planned"
    assert same.status_code == 409 and same.json()["code"] == "invalid_transition"
    assert built.status_code == 200
    assert built.json()["status"] == "under_construction" and built.json()["institution_id"] is None
    assert back.status_code == 409 and back.json()["current_status"] == "under_construction"
    plan = await _plan(seeded)
    assert [(s["status"], s["projects"]) for s in plan["by_status"]] == [
        ("planned", 44),
        ("under_construction", 1),
        ("opened", 0),
    ]
    bad = await seeded.patch(url, json={"status": "built"}, headers=staff)
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"


async def test_opening_a_project_creates_its_institution_and_counts_in_stats(
    seeded: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    project = await _project(seeded, "private")
    url = f"/childcare/v1/plan-projects/{project['id']}"
    await seeded.patch(url, json={"status": "under_construction"}, headers=staff)

    r = await seeded.patch(
        url,
        json={
            "status": "opened",
            "monthly_fee_fen": 120_000,
            "min_age_months": 12,
            "opening_hours": "08:00-17:30",
            "phone": "0471-5550123",
        },
        headers=staff,
    )

    assert r.status_code == 200
    opened = r.json()
    assert opened["status"] == "opened" and opened["institution_id"] is not None
    inst = (await seeded.get(f"/childcare/v1/institutions/{opened['institution_id']}")).json()
    assert (inst["name"], inst["district"], inst["kind"]) == (
        project["name"],
        project["district"],
        "private",
    )
    assert inst["address"] == project["address"]
    assert inst["capacity"] == project["planned_slots"] and inst["vacancies"] == inst["capacity"]
    assert (inst["monthly_fee_fen"], inst["min_age_months"], inst["max_age_months"]) == (
        120_000,
        12,
        36,
    )
    assert (inst["opening_hours"], inst["phone"]) == ("08:00-17:30", "0471-5550123")
    assert inst["inclusive"] is True and inst["public_owned"] is False
    assert inst["location"]["lat"] == pytest.approx(project["location"]["lat"])
    stats = (await seeded.get("/childcare/v1/stats")).json()
    assert stats["totals"]["institutions"] == 127
    assert stats["totals"]["slots"] == 9745 + project["planned_slots"]
    progress = stats["plans"][0]
    assert (progress["opened_institutions"], progress["opened_slots"]) == (
        1,
        project["planned_slots"],
    )
    assert progress["share_opened"] == round(project["planned_slots"] / 2880, 4)
    private = next(c for c in progress["by_category"] if c["category"] == "private")
    assert (private["opened_projects"], private["opened_slots"]) == (1, project["planned_slots"])
    again = await seeded.patch(url, json={"status": "opened"}, headers=staff)
    assert again.status_code == 409 and again.json()["current_status"] == "opened"
    assert (await seeded.get("/childcare/v1/stats")).json()["totals"]["institutions"] == 127


async def test_opening_with_defaults_gives_a_plausible_public_institution(
    seeded: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    project = await _project(seeded, "public")
    url = f"/childcare/v1/plan-projects/{project['id']}"
    await seeded.patch(url, json={"status": "under_construction"}, headers=staff)

    opened = (await seeded.patch(url, json={"status": "opened"}, headers=staff)).json()

    inst = (await seeded.get(f"/childcare/v1/institutions/{opened['institution_id']}")).json()
    assert inst["kind"] == "kindergarten_class" and inst["public_owned"] is True
    assert (inst["min_age_months"], inst["max_age_months"]) == (18, 36)
    assert inst["monthly_fee_fen"] == 100_000
    assert inst["opening_hours"] and inst["phone"].startswith("0471-")


async def test_a_bad_opening_writes_nothing(
    seeded: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    project = await _project(seeded, "community")
    url = f"/childcare/v1/plan-projects/{project['id']}"
    await seeded.patch(url, json={"status": "under_construction"}, headers=staff)

    ages = await seeded.patch(
        url, json={"status": "opened", "min_age_months": 30, "max_age_months": 12}, headers=staff
    )
    fee = await seeded.patch(url, json={"status": "opened", "monthly_fee_fen": 99.5}, headers=staff)

    assert ages.status_code == 422 and ages.json()["code"] == "invalid_age_range"
    assert fee.status_code == 422 and fee.json()["code"] == "validation_error"
    still = next(p for p in (await _plan(seeded))["projects"] if p["id"] == project["id"])
    assert (still["status"], still["institution_id"]) == ("under_construction", None)
    assert (await seeded.get("/childcare/v1/stats")).json()["totals"]["institutions"] == 126


async def test_institution_fields_apply_only_when_opening(
    seeded: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    project = await _project(seeded, "private")

    r = await seeded.patch(
        f"/childcare/v1/plan-projects/{project['id']}",
        json={"status": "under_construction", "monthly_fee_fen": 100_000},
        headers=staff,
    )

    assert r.status_code == 422 and r.json()["code"] == "institution_fields_need_opened"
    assert "monthly_fee_fen" in r.json()["detail"]
    still = next(p for p in (await _plan(seeded))["projects"] if p["id"] == project["id"])
    assert still["status"] == "planned"


async def test_plan_changes_need_childcare_staff(
    seeded: httpx.AsyncClient, tokens: DevTokens
) -> None:
    project = await _project(seeded, "private")
    url = f"/childcare/v1/plan-projects/{project['id']}"
    body = {"status": "under_construction"}

    anonymous = await seeded.patch(url, json=body)
    citizen = await seeded.patch(url, json=body, headers=tokens.headers("citizen-1", "citizen"))
    other_staff = await seeded.patch(url, json=body, headers=tokens.headers("j", "jobs_staff"))
    admin = await seeded.patch(url, json=body, headers=tokens.headers("root", "admin"))

    assert anonymous.status_code == 401
    assert citizen.status_code == 403 and citizen.json()["code"] == "forbidden"
    assert other_staff.status_code == 403
    assert admin.status_code == 200 and admin.json()["status"] == "under_construction"
