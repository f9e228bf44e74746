"""Every POST that creates something honours Idempotency-Key (DESIGN §2): a replay returns the
first answer, another body is 422, and a key sent many times at once makes one record (the
others replay it, or are 409 while it is in flight) — on the real pool, committed."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.state import service_context
from services.eldercare.models import (
    Activity,
    CareRequest,
    CareRequestEvent,
    Community,
    Elder,
    ElderFamily,
    Renovation,
    Visit,
    access_audit,
    idempotency_key,
)
from tests.eldercare.factories import elder_body
from tests.fixtures.clients import committing_client
from tests.fixtures.tokens import DevTokens

pytestmark = pytest.mark.concurrency
PREFIX = "idem-conc-"


async def _cleanup(session: AsyncSession) -> None:
    elders = select(Elder.id).where(Elder.created_by_sub.like(f"{PREFIX}%")).scalar_subquery()
    requests = select(CareRequest.id).where(CareRequest.elder_id.in_(elders)).scalar_subquery()
    await session.execute(
        delete(CareRequestEvent).where(CareRequestEvent.care_request_id.in_(requests))
    )
    for model in (CareRequest, Renovation, Visit):
        await session.execute(delete(model).where(model.elder_id.in_(elders)))
    await session.execute(delete(ElderFamily).where(ElderFamily.elder_id.in_(elders)))
    await session.execute(delete(Elder).where(Elder.created_by_sub.like(f"{PREFIX}%")))
    await session.execute(delete(Activity).where(Activity.title.like("幂等测试%")))
    await session.execute(delete(Community).where(Community.name.like("幂等测试%")))
    await session.execute(delete(access_audit).where(access_audit.c.actor_sub.like(f"{PREFIX}%")))
    await session.execute(
        delete(idempotency_key).where(idempotency_key.c.principal.like(f"{PREFIX}%"))
    )


async def _fixtures(app: FastAPI) -> tuple[int, int]:
    async with service_context(app).database.sessionmaker() as session:
        community = Community(
            name="幂等测试社区", district="武川县", street_office="测试", lat=41.3, lon=111.3
        )
        session.add(community)
        await session.flush()
        elder = Elder(
            name="幂等老人",
            birth_date=datetime(1940, 5, 1).date(),
            community_id=community.id,
            care_needs=[],
            created_by_sub=f"{PREFIX}family",
            created_by_role="family",
        )
        session.add(elder)
        await session.flush()
        session.add(
            ElderFamily(elder_id=elder.id, citizen_sub=f"{PREFIX}family", linked_by_sub="x")
        )
        await session.commit()
        return community.id, elder.id


Case = tuple[str, str, Callable[[int, int], dict[str, Any]], dict[str, Any], type[Any]]
STARTS = datetime.now(UTC) + timedelta(days=5)
CASES: list[Case] = [
    (
        "/eldercare/v1/elders",
        "citizen",
        lambda c, e: elder_body(community_id=c),
        {"name": "李秀英"},
        Elder,
    ),
    (
        "/eldercare/v1/care-requests",
        "citizen",
        lambda c, e: {"elder_id": e, "care_type": "meal"},
        {"care_type": "bathing"},
        CareRequest,
    ),
    (
        "/eldercare/v1/renovations",
        "citizen",
        lambda c, e: {"elder_id": e, "items": ["ramp"]},
        {"items": ["lighting"]},
        Renovation,
    ),
    (
        "/eldercare/v1/activities",
        "eldercare_staff",
        lambda c, e: {
            "title": "幂等测试班",
            "category": "dance",
            "community_id": c,
            "place": "活动室",
            "starts_at": STARTS.isoformat(),
            "ends_at": (STARTS + timedelta(hours=1)).isoformat(),
            "capacity": 10,
        },
        {"capacity": 11},
        Activity,
    ),
    (
        "/eldercare/v1/elders/{elder}/visits",
        "eldercare_staff",
        lambda c, e: {"visitor_name": "小刘", "outcome": "completed"},
        {"visitor_name": "小王"},
        Visit,
    ),
]


@pytest.mark.parametrize(
    ("path", "role", "body", "change", "model"), CASES, ids=[c[0] for c in CASES]
)
async def test_one_key_sent_30_times_at_once_creates_one_record(
    eldercare_app: FastAPI,
    tokens: DevTokens,
    path: str,
    role: str,
    body: Callable[[int, int], dict[str, Any]],
    change: dict[str, Any],
    model: type[Any],
) -> None:
    async with committing_client(eldercare_app, _cleanup) as client:
        community, elder = await _fixtures(eldercare_app)
        sub = f"{PREFIX}family" if role == "citizen" else f"{PREFIX}staff"
        headers = {
            **tokens.headers(sub, role),
            "Idempotency-Key": "k"
            + path.replace("/", "-").strip("{}").replace("{", "").replace("}", ""),
        }
        url, payload = path.format(elder=elder), body(community, elder)
        async with service_context(eldercare_app).database.sessionmaker() as session:
            before = await session.scalar(select(func.count()).select_from(model))

        results = await asyncio.gather(
            *(client.post(url, json=payload, headers=headers) for _ in range(30))
        )
        replay = await client.post(url, json=payload, headers=headers)
        other = await client.post(url, json={**payload, **change}, headers=headers)

        statuses = Counter(r.status_code for r in results)
        assert set(statuses) <= {201, 409} and statuses[201] >= 1, statuses
        assert {r.json()["code"] for r in results if r.status_code == 409} <= {
            "idempotency_in_flight"
        }
        assert len({r.json()["id"] for r in results if r.status_code == 201}) == 1
        assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
        assert replay.json() == next(r.json() for r in results if r.status_code == 201)
        assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
        async with service_context(eldercare_app).database.sessionmaker() as session:
            after = await session.scalar(select(func.count()).select_from(model))
        assert after == (before or 0) + 1
