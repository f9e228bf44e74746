from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from common.testing import DevTokens, SuiteDatabase, isolated_client, running_app
from services.jobs.config import Settings
from services.jobs.main import create_app
from services.jobs.seed import seed


@pytest.fixture(scope="session")
async def jobs_app(db: SuiteDatabase, tokens: DevTokens) -> AsyncIterator[FastAPI]:
    settings = Settings(database_url=db.service_urls["jobs"], **tokens.settings())
    async with running_app(create_app(settings)) as app:
        yield app


@pytest.fixture
async def client(jobs_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(jobs_app) as c:
        yield c


@pytest.fixture
async def seeded(jobs_app: FastAPI, client: httpx.AsyncClient) -> httpx.AsyncClient:
    async with jobs_app.state.sessionmaker() as session:
        assert await seed(session) is True
        await session.commit()
    return client
