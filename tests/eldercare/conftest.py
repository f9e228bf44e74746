from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from services.eldercare.seed import seed
from tests.fixtures.clients import isolated_client


@pytest.fixture
async def client(eldercare_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(eldercare_app) as c:
        yield c


@pytest.fixture
async def seeded(eldercare_app: FastAPI, client: httpx.AsyncClient) -> httpx.AsyncClient:
    async with eldercare_app.state.sessionmaker() as session:
        assert await seed(session) is True
        await session.commit()
    return client
