from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from common.state import service_context
from services.jobs.seed import seed
from tests.fixtures.clients import isolated_client


@pytest.fixture
async def client(jobs_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(jobs_app) as c:
        yield c


@pytest.fixture
async def seeded(jobs_app: FastAPI, client: httpx.AsyncClient) -> httpx.AsyncClient:
    async with service_context(jobs_app).database.sessionmaker() as session:
        assert await seed(session) is True
        await session.commit()
    return client
