from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.jobs.demo_programmes import PROGRAMMES
from tests.fixtures.tokens import DevTokens


@pytest.fixture
def staff(tokens: DevTokens) -> dict[str, str]:
    return tokens.headers("jobs-staff-1", "jobs_staff")


async def create_programme(
    client: httpx.AsyncClient, staff: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    r = await client.post("/jobs/v1/programmes", json=body, headers=staff)
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


@pytest.fixture
async def programmes(client: httpx.AsyncClient, staff: dict[str, str]) -> dict[str, int]:
    """The five demo programmes, created through the API: kind -> id."""
    return {p["kind"]: (await create_programme(client, staff, p))["id"] for p in PROGRAMMES}
