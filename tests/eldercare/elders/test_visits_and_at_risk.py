"""Staff visits and the at-risk round: who is on it, in what order, who is overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from tests.eldercare.factories import add_community, audit_rows, create_elder, years_ago
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


async def _visit(
    client: httpx.AsyncClient, staff: dict[str, str], elder_id: int, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/eldercare/v1/elders/{elder_id}/visits",
        json={"visitor_name": "社工小刘", "outcome": "completed", **body},
        headers=staff,
    )


def _ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days, hours=1)).isoformat()


async def test_a_completed_visit_counts_a_missed_one_does_not(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    family = tokens.headers("visit-f1", "citizen")
    elder = await create_elder(client, family)
    staff = tokens.headers("visit-s1", "eldercare_staff")

    done = await _visit(client, staff, elder["id"], visited_at=_ago(3), notes="身体尚好")
    missed = await _visit(
        client, staff, elder["id"], outcome="missed", missed_reason="not_home", visited_at=_ago(1)
    )
    profile = (await client.get(f"/eldercare/v1/elders/{elder['id']}", headers=family)).json()

    assert done.status_code == 201, done.text
    assert done.json()["visitor_sub"] == "visit-s1" and done.json()["outcome"] == "completed"
    assert missed.json()["missed_reason"] == "not_home"
    assert profile["last_visited_at"] == done.json()["visited_at"]
    actions = [r["action"] for r in await audit_rows(eldercare_app, f"elder/{elder['id']}")]
    assert actions == ["log_visit", "log_visit"]


async def test_visit_rules(client: httpx.AsyncClient, tokens: DevTokens) -> None:
    elder = await create_elder(client, tokens.headers("visit-f2", "citizen"))
    staff = tokens.headers("visit-s2", "eldercare_staff")

    no_reason = await _visit(client, staff, elder["id"], outcome="missed")
    reason = await _visit(client, staff, elder["id"], missed_reason="refused")
    future = await _visit(
        client, staff, elder["id"], visited_at=(datetime.now(UTC) + timedelta(hours=2)).isoformat()
    )
    nobody = await _visit(client, staff, 424242)
    citizen = await _visit(client, tokens.headers("visit-f2", "citizen"), elder["id"])

    assert_problem(no_reason, 422, "missed_reason_mismatch")
    assert_problem(reason, 422, "missed_reason_mismatch")
    assert_problem(future, 422, "visit_in_future")
    assert_problem(nobody, 404, "elder_not_found")
    assert_problem(citizen, 403, "forbidden")


async def test_the_at_risk_round(
    client: httpx.AsyncClient, tokens: DevTokens, eldercare_app: FastAPI
) -> None:
    home = await add_community(eldercare_app, name="特殊群体社区")
    staff = tokens.headers("round-s", "eldercare_staff")
    family = tokens.headers("round-f", "citizen")

    async def elder(name: str, age: int, *, alone: bool, shidu: bool = False) -> int:
        body = {
            "name": name,
            "birth_date": years_ago(age),
            "lives_alone": alone,
            "lost_only_child": shidu,
            "community_id": home.id,
        }
        return int((await create_elder(client, family, **body))["id"])

    never = await elder("从未探访", 85, alone=True)
    long_ago = await elder("四十天前", 82, alone=True)
    recent = await elder("五天前", 90, alone=True)
    shidu = await elder("失独老人", 70, alone=False, shidu=True)
    await elder("与子女同住", 85, alone=False)
    await elder("独居但七十", 70, alone=True)
    for elder_id, days in ((long_ago, 40), (recent, 5), (shidu, 10)):
        assert (await _visit(client, staff, elder_id, visited_at=_ago(days))).status_code == 201
    await _visit(client, staff, never, outcome="missed", missed_reason="not_home")

    first = await client.get(
        "/eldercare/v1/at-risk", params={"community_id": home.id, "limit": 2}, headers=staff
    )
    rest = await client.get(
        "/eldercare/v1/at-risk",
        params={"community_id": home.id, "limit": 2, "cursor": first.json()["next_cursor"]},
        headers=staff,
    )
    overdue = await client.get(
        "/eldercare/v1/at-risk",
        params={"community_id": home.id, "overdue_only": True},
        headers=staff,
    )

    rows = first.json()["items"] + rest.json()["items"]
    assert [r["elder_id"] for r in rows] == [never, long_ago, shidu, recent]
    assert [r["overdue"] for r in rows] == [True, True, False, False]
    assert [r["days_since_visit"] for r in rows] == [None, 40, 10, 5]
    assert rows[0]["reasons"] == ["aged_living_alone"] and rows[2]["reasons"] == ["lost_only_child"]
    assert rows[0]["community_name"] == "特殊群体社区"
    assert [r["elder_id"] for r in overdue.json()["items"]] == [never, long_ago]
    assert first.headers["cache-control"] == "no-store"
    reads = [
        r
        for r in await audit_rows(eldercare_app, f"elder/{long_ago}")
        if r["action"] == "read_at_risk"
    ]
    assert len(reads) == 2  # the round's first page and the overdue list
    assert_problem(await client.get("/eldercare/v1/at-risk", headers=family), 403, "forbidden")
