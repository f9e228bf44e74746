"""Staff input: one coordinate system for a request's input and output, implausible places
refused, PATCH semantics the OpenAPI states, and idempotency that sees the query string."""

from __future__ import annotations

from typing import Any

import httpx

from common.geo import haversine_m, wgs84_to_gcj02
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "坐标托育园",
        "district": "赛罕区",
        "address": "赛罕区坐标路1号",
        "location": {"lat": 40.80, "lon": 111.73},
        "kind": "private",
        "capacity": 20,
        "monthly_fee_fen": 150_000,
        "min_age_months": 6,
        "max_age_months": 36,
        "opening_hours": "07:30-18:00",
        "phone": "0471-1234567",
    }
    body.update(overrides)
    return body


async def test_a_gcj02_body_is_answered_in_gcj02(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("staff-coords", "childcare_staff")
    gcj = wgs84_to_gcj02(40.80, 111.73)

    r = await client.post(
        "/childcare/v1/institutions",
        json=_body(location={"lat": gcj[0], "lon": gcj[1]}, coord_sys="gcj02"),
        headers=staff,
    )

    assert r.status_code == 201, r.text
    shown = r.json()["location"]
    assert shown["coord_sys"] == "gcj02"
    assert haversine_m(shown["lat"], shown["lon"], *gcj) < 0.5
    wgs = (await client.get(f"/childcare/v1/institutions/{r.json()['id']}")).json()["location"]
    assert haversine_m(wgs["lat"], wgs["lon"], 40.80, 111.73) < 0.5


async def test_body_and_query_must_not_name_two_coordinate_systems(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("staff-coords2", "childcare_staff")

    r = await client.post(
        "/childcare/v1/institutions",
        params={"coord_sys": "bd09"},
        json=_body(coord_sys="gcj02"),
        headers=staff,
    )

    assert_problem(r, 422, "conflicting_coord_sys")


async def test_a_place_outside_its_district_is_refused(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("staff-place", "childcare_staff")

    nowhere = await client.post(
        "/childcare/v1/institutions",
        json=_body(district="回民区", location={"lat": 0.0, "lon": 0.0}),
        headers=staff,
    )
    swapped = await client.post(
        "/childcare/v1/institutions",
        json=_body(location={"lat": 111.73, "lon": 40.80}),
        headers=staff,
    )
    created = await client.post("/childcare/v1/institutions", json=_body(), headers=staff)
    moved = await client.patch(
        f"/childcare/v1/institutions/{created.json()['id']}",
        json={"district": "武川县"},
        headers=staff,
    )

    assert_problem(nowhere, 422, "location_outside_district")
    assert swapped.status_code == 422
    assert_problem(moved, 422, "location_outside_district")


async def test_patch_refuses_null_and_takes_integral_numbers(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("staff-patch", "childcare_staff")
    created = (await client.post("/childcare/v1/institutions", json=_body(), headers=staff)).json()
    url = f"/childcare/v1/institutions/{created['id']}"

    null = await client.patch(url, json={"name": None}, headers=staff)
    whole = await client.patch(url, json={"capacity": 25.0}, headers=staff)
    fraction = await client.patch(url, json={"capacity": 25.5}, headers=staff)
    text = await client.patch(url, json={"capacity": "25"}, headers=staff)

    assert_problem(null, 422, "validation_error")
    assert whole.status_code == 200 and whole.json()["capacity"] == 25
    assert_problem(fraction, 422, "validation_error")
    assert_problem(text, 422, "validation_error")


async def test_the_spec_says_patch_fields_are_not_nullable(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    update = spec["components"]["schemas"]["InstitutionUpdate"]["properties"]

    assert "anyOf" not in update["name"] and update["name"]["type"] == "string"
    assert update["capacity"]["type"] == "integer"
    assert any(s.get("type") == "null" for s in update["demonstration"]["anyOf"])


async def test_the_idempotency_fingerprint_includes_the_query(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    headers = {**tokens.headers("staff-idem-q", "childcare_staff"), "Idempotency-Key": "inst-q"}

    first = await client.post("/childcare/v1/institutions", json=_body(), headers=headers)
    other_query = await client.post(
        "/childcare/v1/institutions", params={"coord_sys": "gcj02"}, json=_body(), headers=headers
    )
    same = await client.post("/childcare/v1/institutions", json=_body(), headers=headers)

    assert first.status_code == 201
    assert_problem(other_query, 422, "idempotency_key_reused")
    assert same.status_code == 201 and same.headers["idempotent-replayed"] == "true"
    assert same.json() == first.json()
