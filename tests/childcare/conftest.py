from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from common.testing import DevTokens, SuiteDatabase, isolated_client, running_app
from services.childcare.config import Settings
from services.childcare.main import create_app


@pytest.fixture(scope="session")
async def childcare_app(db: SuiteDatabase, tokens: DevTokens) -> AsyncIterator[FastAPI]:
    settings = Settings(database_url=db.service_urls["childcare"], **tokens.settings())
    async with running_app(create_app(settings)) as app:
        yield app


@pytest.fixture
async def client(childcare_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(childcare_app) as c:
        yield c
