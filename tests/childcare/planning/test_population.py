"""District populations are reference data: implausible figures are refused with a clear 422."""

from __future__ import annotations

import httpx

from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


async def test_an_implausible_population_is_refused(
    client: httpx.AsyncClient, tokens: DevTokens
) -> None:
    staff = tokens.headers("staff-pop", "childcare_staff")

    one = await client.put(
        "/childcare/v1/districts/回民区/population",
        json={"population": 1, "source": "typo"},
        headers=staff,
    )
    huge = await client.put(
        "/childcare/v1/districts/回民区/population",
        json={"population": 90_000_000, "source": "typo"},
        headers=staff,
    )
    fine = await client.put(
        "/childcare/v1/districts/回民区/population",
        json={"population": 452_000, "source": "2025 estimate"},
        headers=staff,
    )

    assert_problem(one, 422, "validation_error")
    assert_problem(huge, 422, "validation_error")
    assert fine.status_code == 200 and fine.json()["population"] == 452_000
