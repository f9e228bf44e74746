"""District keys (issue 16 §3) in the eldercare service: `saihan` filters facilities as
`赛罕区` does, and the answer names the district."""

from __future__ import annotations

import httpx


async def test_facilities_are_found_by_a_district_key(seeded: httpx.AsyncClient) -> None:
    by_key = await seeded.get("/eldercare/v1/facilities", params={"district": "saihan"})
    by_name = await seeded.get("/eldercare/v1/facilities", params={"district": "赛罕区"})

    assert by_key.status_code == 200, by_key.text
    assert by_key.json()["items"] and by_key.json()["items"] == by_name.json()["items"]
    assert {f["district"] for f in by_key.json()["items"]} == {"赛罕区"}
