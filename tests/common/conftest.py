"""A small app built with the real factory, for testing the shared infrastructure itself."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import literal, select, text

from common.app import create_service_app
from common.auth import CitizenDep, Principal, Role, require_roles
from common.db import SessionDep
from common.idempotency import IdempotencyDep
from common.provisioning import ProvisionedDatabase
from common.read import ReaderDep, Statement
from common.settings import ServiceSettings
from services.childcare.models import SCHEMA, access_audit, idempotency_key
from tests.fixtures.clients import isolated_client, running_app
from tests.fixtures.tokens import DevTokens


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=20)
    count: int = Field(ge=0, strict=True)


class NoteRead(BaseModel):
    serial: int
    text: str
    owner: str


def build_probe_app(settings: ServiceSettings) -> FastAPI:
    router = APIRouter(prefix="/probe")
    serials = itertools.count(1)

    @router.post("/notes", status_code=201)
    async def create_note(
        body: NoteCreate, principal: CitizenDep, idem: IdempotencyDep, session: SessionDep
    ) -> NoteRead:
        async def produce() -> NoteRead:
            await asyncio.sleep(0.05)  # long enough for a concurrent duplicate to overlap
            return NoteRead(serial=next(serials), text=body.text, owner=principal.sub)

        return await idem.run(principal.sub, produce)  # type: ignore[return-value]

    @router.get("/notes")
    async def list_notes() -> list[NoteRead]:
        return []

    @router.get("/public")
    async def public() -> dict[str, str]:
        return {"hello": "anyone"}

    one = Statement(select(literal(1).label("one")))

    @router.get("/read")
    async def read(reader: ReaderDep) -> dict[str, int]:
        row = await reader.row(one)
        return {"one": int(row["one"]) if row else 0}

    @router.get("/boom")
    async def boom() -> dict[str, str]:
        raise RuntimeError("secret internal detail: password=hunter2")

    @router.get("/overflow")
    async def overflow(session: SessionDep) -> dict[str, int]:
        value = await session.scalar(text("SELECT 2147483648::int"))
        return {"value": int(value or 0)}

    @router.get("/duplicate")
    async def duplicate(session: SessionDep) -> dict[str, str]:
        row = "('probe', 'dup', 'h', 201, '{}'::jsonb)"
        await session.execute(
            text(
                "INSERT INTO childcare.idempotency_key "
                f"(principal, key, request_hash, status_code, response_body) VALUES {row}, {row}"
            )
        )
        return {"never": "reached"}

    @router.get("/staff")
    async def staff_only(
        principal: Annotated[Principal, require_roles(Role.childcare_staff)],
    ) -> dict[str, str]:
        return {"sub": principal.sub}

    return create_service_app(
        name="childcare",
        title="probe",
        description="probe app for infrastructure tests",
        settings=settings,
        schema=SCHEMA,
        routers=[router],
        idempotency_table=idempotency_key,
        audit_table=access_audit,
    )


@pytest.fixture(scope="session")
async def probe_app(db: ProvisionedDatabase, tokens: DevTokens) -> AsyncIterator[FastAPI]:
    settings = ServiceSettings(database_url=db.service_urls["childcare"], **tokens.settings())
    async with running_app(build_probe_app(settings)) as app:
        yield app


@pytest.fixture
async def probe(probe_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(probe_app) as client:
        yield client
