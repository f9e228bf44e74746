"""DESIGN §2 "Times and dates" in childcare: an integer is not a birth date (it used to register a
child born on 1970-01-21), and a start date years ahead is refused."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.childcare.factories import add_institution, register_child
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


async def test_a_number_is_not_a_birth_date_and_a_start_date_decades_ahead_is_refused(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    parent = tokens.headers("dates-parent", "citizen")
    inst = await add_institution(childcare_app)
    child = await register_child(client, parent, "日期宝")

    number = await client.post(
        "/childcare/v1/children", json={"name": "数字宝", "birth_date": 1764547200}, headers=parent
    )
    far = await client.post(
        "/childcare/v1/enrollments",
        json={"child_id": child, "institution_id": inst.id, "start_date": "9999-12-31"},
        headers=parent,
    )
    listed = await client.get("/childcare/v1/children", headers=parent)

    assert assert_problem(number, 422, "validation_error")["errors"], number.text
    assert assert_problem(far, 422, "implausible_date")["errors"], far.text
    assert [c["name"] for c in listed.json()["items"]] == ["日期宝"]
