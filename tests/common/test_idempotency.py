from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.idempotency import purge_expired_keys
from common.state import service_context
from services.childcare.models import idempotency_key
from tests.fixtures.clients import committing_client
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


async def test_retry_with_same_key_replays_the_first_response(
    probe: httpx.AsyncClient, tokens: DevTokens
) -> None:
    headers = {**tokens.headers("idem-a", "citizen"), "Idempotency-Key": "k-1"}

    first = await probe.post("/probe/notes", json={"text": "hi", "count": 1}, headers=headers)
    again = await probe.post("/probe/notes", json={"count": 1, "text": "hi"}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers


async def test_same_key_with_other_body_is_422(probe: httpx.AsyncClient, tokens: DevTokens) -> None:
    headers = {**tokens.headers("idem-b", "citizen"), "Idempotency-Key": "k-2"}
    await probe.post("/probe/notes", json={"text": "one", "count": 1}, headers=headers)

    r = await probe.post("/probe/notes", json={"text": "two", "count": 1}, headers=headers)

    assert_problem(r, 422, "idempotency_key_reused")


async def test_keys_are_scoped_to_the_caller(probe: httpx.AsyncClient, tokens: DevTokens) -> None:
    body = {"text": "same", "count": 1}
    a = await probe.post(
        "/probe/notes",
        json=body,
        headers={**tokens.headers("idem-c", "citizen"), "Idempotency-Key": "k"},
    )
    b = await probe.post(
        "/probe/notes",
        json=body,
        headers={**tokens.headers("idem-d", "citizen"), "Idempotency-Key": "k"},
    )

    assert a.json()["owner"] == "idem-c" and b.json()["owner"] == "idem-d"
    assert a.json()["serial"] != b.json()["serial"]
    assert "idempotent-replayed" not in b.headers


async def test_invalid_key_is_400(probe: httpx.AsyncClient, tokens: DevTokens) -> None:
    r = await probe.post(
        "/probe/notes",
        json={"text": "x", "count": 1},
        headers={**tokens.headers("idem-e", "citizen"), "Idempotency-Key": "has space"},
    )

    assert_problem(r, 400, "invalid_idempotency_key")


async def _cleanup(session: AsyncSession) -> None:
    await session.execute(delete(idempotency_key).where(idempotency_key.c.principal.like("idem-%")))


async def test_concurrent_duplicates_run_once(probe_app: FastAPI, tokens: DevTokens) -> None:
    headers = {**tokens.headers("idem-f", "citizen"), "Idempotency-Key": "burst"}
    async with committing_client(probe_app, _cleanup) as client:
        responses = await asyncio.gather(
            *(
                client.post("/probe/notes", json={"text": "b", "count": 2}, headers=headers)
                for _ in range(20)
            )
        )
        statuses = Counter(r.status_code for r in responses)
        created = [r.json() for r in responses if r.status_code == 201]
        async with service_context(probe_app).database.sessionmaker() as session:
            stored = await session.scalar(
                select(func.count())
                .select_from(idempotency_key)
                .where(idempotency_key.c.principal == "idem-f")
            )
        replay = await client.post("/probe/notes", json={"text": "b", "count": 2}, headers=headers)

    assert statuses[201] >= 1
    assert set(statuses) <= {201, 409}
    assert all(
        r.json()["code"] == "idempotency_in_flight" for r in responses if r.status_code == 409
    )
    assert len({c["serial"] for c in created}) == 1  # every 201 is the same single effect
    assert stored == 1
    assert replay.json() == created[0] and replay.headers["idempotent-replayed"] == "true"


async def test_the_periodic_purge_drops_expired_keys_and_keeps_fresh_ones(
    probe_app: FastAPI,
) -> None:
    retention = timedelta(hours=service_context(probe_app).settings.idempotency_retention_hours)
    ages = {"expired": retention + timedelta(minutes=1), "fresh": retention - timedelta(hours=1)}
    rows = [
        {
            "principal": "idem-purge",
            "key": key,
            "request_hash": "h",
            "status_code": 201,
            "response_body": {},
            "created_at": func.now() - age,
        }
        for key, age in ages.items()
    ]
    # committed for real: the job runs on the app's own background sessions, as in production
    async with service_context(probe_app).database.sessionmaker() as session:
        for row in rows:
            await session.execute(insert(idempotency_key).values(**row))
        await session.commit()
    try:
        purged = await purge_expired_keys(probe_app)  # what the lifespan's periodic task calls
        async with service_context(probe_app).database.sessionmaker() as session:
            left = set(
                await session.scalars(
                    select(idempotency_key.c.key).where(idempotency_key.c.principal == "idem-purge")
                )
            )
    finally:
        async with service_context(probe_app).database.sessionmaker() as session:
            await _cleanup(session)
            await session.commit()

    assert purged >= 1
    assert left == {"fresh"}
