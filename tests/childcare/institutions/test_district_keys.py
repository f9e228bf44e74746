"""District keys (issue 16 §3): `saihan` is accepted wherever `赛罕区` is — filters and bodies —
and answers always give the name; an unknown district is still a 422."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.childcare.factories import add_institution
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


async def test_a_district_key_works_in_a_filter_and_a_body(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    saihan = await add_institution(childcare_app, name="钥匙托育园")
    await add_institution(childcare_app, name="新城托育园", district="新城区", lat=40.87)
    staff = tokens.headers("keys-staff", "childcare_staff")

    by_key = (await client.get("/childcare/v1/institutions", params={"district": "saihan"})).json()
    by_name = (await client.get("/childcare/v1/institutions", params={"district": "赛罕区"})).json()
    created = await client.post(
        "/childcare/v1/institutions",
        json={
            "name": "键名托育园",
            "district": "saihan",
            "address": "赛罕区键名路1号",
            "location": {"lat": 40.80, "lon": 111.73},
            "kind": "private",
            "capacity": 20,
            "monthly_fee_fen": 150_000,
            "min_age_months": 6,
            "max_age_months": 36,
            "opening_hours": "07:30-18:00",
            "phone": "0471-1234567",
        },
        headers=staff,
    )
    moved = await client.patch(
        f"/childcare/v1/institutions/{saihan.id}",
        json={"district": "xincheng", "location": {"lat": 40.87, "lon": 111.69}},
        headers=staff,
    )
    unknown = await client.get("/childcare/v1/institutions", params={"district": "atlantis"})

    assert [i["id"] for i in by_key["items"]] == [i["id"] for i in by_name["items"]]
    assert [i["name"] for i in by_key["items"]] == ["钥匙托育园"]
    assert by_key["items"][0]["district"] == "赛罕区"
    assert created.status_code == 201, created.text
    assert created.json()["district"] == "赛罕区"
    assert moved.status_code == 200, moved.text
    assert moved.json()["district"] == "新城区"
    assert_problem(unknown, 422, "validation_error")


async def test_the_inclusive_filter_is_described_in_the_spec(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    parameters = spec["paths"]["/childcare/v1/institutions"]["get"]["parameters"]
    [inclusive] = [p for p in parameters if p["name"] == "inclusive"]
    [district] = [p for p in parameters if p["name"] == "district"]

    assert "普惠" in inclusive["description"]
    described = spec["components"]["schemas"]["District"]["description"]
    assert "saihan" in described and "district" in str(district["schema"]).lower()
