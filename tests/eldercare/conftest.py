from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from common.testing import DevTokens, SuiteDatabase, isolated_client, running_app
from services.eldercare.config import Settings
from services.eldercare.main import create_app
from services.eldercare.seed import seed


@pytest.fixture(scope="session")
async def eldercare_app(db: SuiteDatabase, tokens: DevTokens) -> AsyncIterator[FastAPI]:
    settings = Settings(database_url=db.service_urls["eldercare"], **tokens.settings())
    async with running_app(create_app(settings)) as app:
        yield app


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
