from __future__ import annotations

import httpx
from fastapi import FastAPI

from common.geo import haversine_m, wgs84_to_gcj02
from tests.childcare.factories import add_institution


async def test_nearby_search_orders_by_distance_and_reports_it(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    far = await add_institution(childcare_app, name="远处托育园", lat=40.83, lon=111.73)
    near = await add_institution(childcare_app, name="近处托育园", lat=40.801, lon=111.731)
    await add_institution(childcare_app, name="城外托育园", lat=41.5, lon=112.5)

    r = await client.get(
        "/childcare/v1/institutions", params={"lat": 40.80, "lon": 111.73, "radius_m": 5000}
    )

    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["id"] for i in items] == [near.id, far.id]
    expected = haversine_m(40.80, 111.73, 40.801, 111.731)
    assert abs(items[0]["distance_m"] - expected) < 5
    assert items[0]["distance_m"] < items[1]["distance_m"] <= 5000


async def test_gcj02_input_and_output_round_trip(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    inst = await add_institution(childcare_app, lat=40.80, lon=111.73)
    glat, glon = wgs84_to_gcj02(40.80, 111.73)

    r = await client.get(
        "/childcare/v1/institutions",
        params={"lat": glat, "lon": glon, "radius_m": 100, "coord_sys": "gcj02"},
    )

    items = r.json()["items"]
    assert [i["id"] for i in items] == [inst.id]
    assert items[0]["distance_m"] < 1
    assert items[0]["location"]["coord_sys"] == "gcj02"
    assert abs(items[0]["location"]["lat"] - glat) < 1e-6
    assert abs(items[0]["location"]["lon"] - glon) < 1e-6


async def test_cursor_pages_cover_every_row_once(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    created = [
        (
            await add_institution(childcare_app, name=f"分页{i}", lat=40.80 + i * 0.001, lon=111.73)
        ).id
        for i in range(7)
    ]
    seen: list[int] = []
    params: dict[str, str | int | float] = {
        "lat": 40.80,
        "lon": 111.73,
        "radius_m": 2000,
        "limit": 3,
    }
    while True:
        body = (await client.get("/childcare/v1/institutions", params=params)).json()
        seen.extend(i["id"] for i in body["items"])
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == created


async def test_home_based_place_is_public_only_as_an_area(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: object
) -> None:
    home = await add_institution(
        childcare_app, kind="home_based", lat=40.812345, lon=111.712345, address="某小区3号楼2单元"
    )

    public = (await client.get(f"/childcare/v1/institutions/{home.id}")).json()

    assert public["address"] is None
    assert public["location"]["approximate"] is True
    offset = haversine_m(
        40.812345, 111.712345, public["location"]["lat"], public["location"]["lon"]
    )
    assert 0 < offset <= 150

    from tests.fixtures.tokens import DevTokens

    assert isinstance(tokens, DevTokens)
    staff = (
        await client.get(
            f"/childcare/v1/institutions/{home.id}",
            headers=tokens.headers("staff-1", "childcare_staff"),
        )
    ).json()
    assert staff["address"] == "某小区3号楼2单元"
    assert staff["location"]["lat"] == 40.812345


async def test_unknown_institution_is_a_problem_404(client: httpx.AsyncClient) -> None:
    r = await client.get("/childcare/v1/institutions/999999")

    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == "institution_not_found"
    assert body["status"] == 404


async def test_filters_combine(client: httpx.AsyncClient, childcare_app: FastAPI) -> None:
    match = await add_institution(
        childcare_app,
        name="多乐小熊托育园",
        district="新城区",
        kind="private",
        monthly_fee_fen=100_000,
    )
    await add_institution(
        childcare_app, name="多乐大熊托育园", district="新城区", monthly_fee_fen=300_000
    )
    await add_institution(
        childcare_app, name="多乐小熊二园", district="回民区", monthly_fee_fen=100_000
    )

    r = await client.get(
        "/childcare/v1/institutions",
        params={"district": "新城区", "max_fee_fen": 200_000, "q": "多乐"},
    )

    assert [i["id"] for i in r.json()["items"]] == [match.id]
