"""`accept` while the child's applications change underneath it (issue 6, defect 4): an application
that appears between reading them and locking the institutions must not turn into a 500."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from services.childcare.institutions import repository as institution_repository
from services.childcare.models import Enrollment, Institution
from tests.childcare.factories import add_institution, apply, register_child
from tests.fixtures.tokens import DevTokens


async def test_accept_copes_with_an_application_that_appears_meanwhile(
    client: httpx.AsyncClient,
    childcare_app: FastAPI,
    tokens: DevTokens,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = await add_institution(childcare_app, capacity=1, name="甲")
    c = await add_institution(childcare_app, capacity=2, name="丙")
    holder, parent = tokens.headers("race-h", "citizen"), tokens.headers("race-p", "citizen")
    held = (await apply(client, holder, await register_child(client, holder, "占"), a.id)).json()
    child = await register_child(client, parent, "竞态")
    at_a = (await apply(client, parent, child, a.id)).json()
    await client.post(f"/childcare/v1/enrollments/{held['id']}/withdraw", headers=holder)
    real = institution_repository.lock_institutions
    injected: list[int] = []
    child_id = child

    async def meanwhile(session: Any, ids: list[int]) -> dict[int, Institution]:
        locked = await real(session, ids)
        # as if another request committed an offered place at institution C for this child
        # right after accept had read the child's applications and locked their institutions
        if not injected:
            offer = Enrollment(
                child_id=child_id,
                child_identity=f"child:{child_id}",
                institution_id=c.id,
                guardian_sub="race-p",
                status="offered",
                start_date=date.fromisoformat(at_a["start_date"]),
                offer_expires_at=datetime(2100, 1, 1, tzinfo=UTC),
            )
            session.add(offer)
            await session.flush()
            await session.execute(
                update(Institution).where(Institution.id == c.id).values(offered=1)
            )
            injected.append(offer.id)
        return locked

    monkeypatch.setattr(institution_repository, "lock_institutions", meanwhile)

    r = await client.post(f"/childcare/v1/enrollments/{at_a['id']}/accept", headers=parent)

    assert r.status_code == 200, r.text
    assert r.json()["status"] == "enrolled"
    mine = {
        e["id"]: e["status"]
        for e in (await client.get("/childcare/v1/enrollments", headers=parent)).json()["items"]
    }
    assert mine[injected[0]] == "withdrawn"
    assert (await client.get(f"/childcare/v1/institutions/{c.id}")).json()["offered"] == 0
