from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.clients import isolated_client
from tests.fixtures.clock import MovableClock, pinned_clock


@pytest.fixture
async def client(childcare_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(childcare_app) as c:
        yield c


@pytest.fixture
def clock(childcare_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(childcare_app) as moving:
        yield moving
