"""The access audit of support applications: one row per application a member of staff saw
(a page of them names each one), and admins read it at `GET /jobs/v1/audit`."""

from __future__ import annotations

import httpx

from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import RENTER, created


async def test_a_staff_page_of_applications_is_one_audit_row_per_application(
    client: httpx.AsyncClient, tokens: DevTokens, programmes: dict[str, int]
) -> None:
    applied = []
    for n in range(3):
        citizen = tokens.headers(f"audit-applicant-{n}", "citizen")
        body = {"programme_id": programmes["rent_subsidy"], "facts": RENTER}
        applied.append(
            await created(await client.post("/jobs/v1/applications", json=body, headers=citizen))
        )
    staff = tokens.headers("audit-staff", "jobs_staff")
    admin = tokens.headers("audit-admin", "admin")

    page = await client.get("/jobs/v1/applications", params={"limit": 2}, headers=staff)
    one = await client.get(f"/jobs/v1/applications/{applied[0]['id']}", headers=staff)
    audit = await client.get(
        "/jobs/v1/audit", params={"actor_sub": "audit-staff", "limit": 10}, headers=admin
    )

    assert one.status_code == 200
    seen = [a["id"] for a in page.json()["items"]]
    assert len(seen) == 2
    rows = audit.json()["items"]  # newest first
    assert [(r["action"], r["resource"]) for r in rows] == [
        ("read_application", f"application/{applied[0]['id']}"),
        *(("list_applications", f"application/{i}") for i in reversed(seen)),
    ]
    assert all(r["actor_roles"] == ["jobs_staff"] for r in rows)
    assert_problem(await client.get("/jobs/v1/audit", headers=staff), 403, "forbidden")
    assert_problem(await client.get("/jobs/v1/audit"), 401, "unauthenticated")
