"""A family home (`home_based`) is published only as a ~200 m area, and everything the public gets
— distance, order, radius filter, cursor — comes from that published point (DESIGN §3), so no
number of searches from different places can triangulate the door."""

from __future__ import annotations

import base64
import json

import httpx
from fastapi import FastAPI

from common.geo import haversine_m
from tests.childcare.factories import add_institution

HOME = (40.812345, 111.712345)


# three search centres around the home, 300-900 m away in different directions
def _tolerance(item: dict) -> float:  # type: ignore[type-arg]
    """PostgreSQL's earth is 0.1% larger than haversine's: compare within 0.2% (the home and
    its published point differ by up to ~140 m, far more)."""
    return 0.002 * float(item["distance_m"]) + 0.5


CENTRES = [(40.8150, 111.7150), (40.8060, 111.7080), (40.8180, 111.7020)]


async def _search(client: httpx.AsyncClient, lat: float, lon: float, radius: int) -> dict:  # type: ignore[type-arg]
    params = {"lat": lat, "lon": lon, "radius_m": radius, "kind": "home_based", "limit": 1}
    r = await client.get("/childcare/v1/institutions", params=params)
    assert r.status_code == 200, r.text
    body: dict = r.json()  # type: ignore[type-arg]
    return body


async def test_distances_are_to_the_published_point_not_the_home(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    home = await add_institution(childcare_app, kind="home_based", lat=HOME[0], lon=HOME[1])

    for lat, lon in CENTRES:
        item = (await _search(client, lat, lon, 3000))["items"][0]
        assert item["id"] == home.id
        published = (item["location"]["lat"], item["location"]["lon"])
        assert published != HOME
        # the figure the public sees is the distance to the published area, not to the door
        assert abs(item["distance_m"] - haversine_m(lat, lon, *published)) < _tolerance(item)


async def test_the_radius_filters_on_the_published_point(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    home = await add_institution(childcare_app, kind="home_based", lat=HOME[0], lon=HOME[1])
    published = (await client.get(f"/childcare/v1/institutions/{home.id}")).json()["location"]
    lat, lon = CENTRES[0]
    to_home = haversine_m(lat, lon, *HOME)
    to_published = haversine_m(lat, lon, published["lat"], published["lon"])
    assert abs(to_home - to_published) > 5, "the test needs a centre where the two differ"
    # a radius between the two distances: the answer must follow the published point
    radius = round((to_home + to_published) / 2)

    found = [i["id"] for i in (await _search(client, lat, lon, radius))["items"]]

    assert (home.id in found) == (to_published <= radius)


async def test_order_and_cursor_carry_only_the_published_distance(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    home = await add_institution(childcare_app, kind="home_based", lat=HOME[0], lon=HOME[1])
    # a second home 100 m away, so the first page has a cursor
    await add_institution(childcare_app, kind="home_based", lat=HOME[0] + 0.0009, lon=HOME[1])
    lat, lon = CENTRES[1]

    body = await _search(client, lat, lon, 5000)
    cursor = body["next_cursor"]
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))[12:]
    key = json.loads(raw)["k"]
    first = body["items"][0]
    published = (first["location"]["lat"], first["location"]["lon"])
    rest = (
        await client.get(
            "/childcare/v1/institutions",
            params={
                "lat": lat,
                "lon": lon,
                "radius_m": 5000,
                "kind": "home_based",
                "cursor": cursor,
            },
        )
    ).json()["items"]

    # the cursor's sort key is the (chord) distance to the published point, never to the door
    assert abs(key[0] - haversine_m(lat, lon, *published)) < _tolerance(first)
    assert {first["id"], *(i["id"] for i in rest)} >= {home.id}
    assert [i["distance_m"] for i in [first, *rest]] == sorted(
        i["distance_m"] for i in [first, *rest]
    )
