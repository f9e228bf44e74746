from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from common.state import service_context
from services.eldercare.seed import seed
from tests.fixtures.clients import isolated_client
from tests.fixtures.clock import MovableClock, pinned_clock


@pytest.fixture
async def client(eldercare_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(eldercare_app) as c:
        yield c


@pytest.fixture
async def seeded(eldercare_app: FastAPI, client: httpx.AsyncClient) -> httpx.AsyncClient:
    async with service_context(eldercare_app).database.sessionmaker() as session:
        assert await seed(session) is True
        await session.commit()
    return client


@pytest.fixture
def clock(eldercare_app: FastAPI) -> Iterator[MovableClock]:
    with pinned_clock(eldercare_app) as moving:
        yield moving
