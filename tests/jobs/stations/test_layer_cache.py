"""The GeoJSON station layer is a public read a map app polls: it carries an `ETag` and a short
`Cache-Control`, answers `304` while nothing changed, and a new tag once a station changes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from common.state import service_context
from tests.fixtures.clock import MovableClock, pinned_clock
from tests.fixtures.tokens import DevTokens
from tests.jobs.factories import WEDNESDAY_NOON, station_body

LAYER = "/jobs/v1/stations.geojson"


@pytest.fixture
def clock(jobs_app: FastAPI) -> Iterator[MovableClock]:
    # `open_now` is part of the layer: a fixed moment keeps it from changing between requests
    with pinned_clock(jobs_app, WEDNESDAY_NOON) as moving:
        yield moving


def _names(layer: httpx.Response) -> set[str]:
    return {f["properties"]["name"] for f in layer.json()["features"]}


async def test_station_layer_is_304_until_a_station_changes(
    client: httpx.AsyncClient, jobs_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    staff = tokens.headers("jobs-staff", "jobs_staff")
    created = (await client.post("/jobs/v1/stations", json=station_body(), headers=staff)).json()

    first = await client.get(LAYER)
    tag = first.headers["etag"]
    unchanged = await client.get(LAYER, headers={"If-None-Match": tag})
    patched = await client.patch(
        f"/jobs/v1/stations/{created['id']}", json={"name": "赛罕区改名红蜂驿站"}, headers=staff
    )
    after = await client.get(LAYER, headers={"If-None-Match": tag})

    assert first.status_code == 200 and created["name"] in _names(first)
    assert tag.startswith('"') and not tag.startswith("W/")
    max_age = service_context(jobs_app).settings.public_cache_seconds
    assert first.headers["cache-control"] == f"public, max-age={max_age}"
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == tag
    assert patched.status_code == 200, patched.text
    assert after.status_code == 200
    assert after.headers["etag"] != tag
    assert "赛罕区改名红蜂驿站" in _names(after) and created["name"] not in _names(after)
    again = await client.get(LAYER, headers={"If-None-Match": after.headers["etag"]})
    assert again.status_code == 304
