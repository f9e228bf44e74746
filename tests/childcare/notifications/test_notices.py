"""Childcare notices: each move reaches the guardian's inbox (and no one else's) once the
dispatcher runs — offers made by an API call or by the sweeper, enrolments, waitlist places given
up, the 12-hour reminder once — and a change that rolls back leaves no event."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from common.auth import Principal
from common.clock import Clock
from common.state import service_context
from services.childcare.enrollments import service
from services.childcare.enrollments.tasks import sweep_expired_offers
from services.childcare.models import Enrollment, Institution, notification_outbox
from services.childcare.notifications.reminders import remind
from tests.childcare.factories import add_institution, apply, register_child
from tests.fixtures.clock import MovableClock
from tests.fixtures.notices import deliver, inbox, kinds
from tests.fixtures.tokens import DevTokens

TTL = timedelta(hours=48)


async def _queue(
    client: httpx.AsyncClient, app: FastAPI, tokens: DevTokens, tag: str, n: int
) -> tuple[Institution, list[dict[str, str]], list[int]]:
    """`n` guardians apply for one place, in order: the first is enrolled, the rest wait."""
    inst = await add_institution(app, capacity=1, name=f"通知托育园{tag}")
    parents = [tokens.headers(f"{tag}-{k}", "citizen") for k in range(n)]
    ids = []
    for k, parent in enumerate(parents):
        child = await register_child(client, parent, f"{tag}娃{k}")
        ids.append((await apply(client, parent, child, inst.id)).json()["id"])
    return inst, parents, ids


async def test_each_move_reaches_the_guardians_inbox_and_no_one_elses(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    inst, parents, ids = await _queue(client, childcare_app, tokens, "nt", 3)
    # the first child took the free place; the others wait
    await client.post(f"/childcare/v1/enrollments/{ids[0]}/withdraw", headers=parents[0])
    # the second child's offer (an API call made it) runs out; the sweeper offers the place on
    clock.advance(hours=49)
    sessionmaker = service_context(childcare_app).database.sessionmaker
    assert await sweep_expired_offers(sessionmaker, clock=Clock(clock), offer_ttl=TTL) == 1

    assert await deliver(childcare_app) >= 4  # (and what committing tests left)
    first = await inbox(client, "childcare", parents[0])
    second = await inbox(client, "childcare", parents[1])
    third = await inbox(client, "childcare", parents[2])
    stranger = await inbox(client, "childcare", tokens.headers("nt-stranger", "citizen"))

    # newest first; enrolled-then-withdrawn gives up a place, not a waitlist place
    assert kinds(first) == ["childcare.enrolled"]
    assert kinds(second) == ["childcare.waitlist_place_given_up", "childcare.offer_made"]
    assert kinds(third) == ["childcare.offer_made"]  # made by the sweeper, no API call
    assert stranger == {"items": [], "next_cursor": None, "unread": 0}
    offer = third["items"][0]
    assert offer["subject"] == f"enrollment/{ids[2]}"
    assert offer["params"]["institution_name"] == inst.name
    assert offer["params"]["child_name"] == "nt娃2"
    assert inst.name in offer["body"] and offer["params"]["deadline"] in offer["body"]
    assert (offer["read"], offer["read_at"], third["unread"]) == (False, None, 1)
    assert second["items"][0]["params"]["status"] == "expired"
    # a second round finds nothing left: each event went into the inbox once
    assert await deliver(childcare_app) == 0
    assert len((await inbox(client, "childcare", parents[1]))["items"]) == 2


async def test_reading_a_notice_counts_it_and_another_citizens_is_404(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    _, parents, _ = await _queue(client, childcare_app, tokens, "rd", 1)
    await deliver(childcare_app)
    notice = (await inbox(client, "childcare", parents[0]))["items"][0]

    stolen = await client.post(
        f"/childcare/v1/me/notifications/{notice['id']}/read",
        headers=tokens.headers("rd-other", "citizen"),
    )
    read = await client.post(
        f"/childcare/v1/me/notifications/{notice['id']}/read", headers=parents[0]
    )
    again = await client.post(
        f"/childcare/v1/me/notifications/{notice['id']}/read", headers=parents[0]
    )

    assert stolen.status_code == 404 and stolen.json()["code"] == "notification_not_found"
    assert read.status_code == 200 and read.json()["read"] is True
    assert again.json()["read_at"] == read.json()["read_at"]  # the first moment stays
    after = await inbox(client, "childcare", parents[0])
    assert after["unread"] == 0 and after["items"][0]["read"] is True
    missing = await client.post("/childcare/v1/me/notifications/999999999/read", headers=parents[0])
    assert missing.status_code == 404


async def test_the_inbox_pages_newest_first_with_a_cursor(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    parent = tokens.headers("pg-parent", "citizen")
    for k in range(3):
        inst = await add_institution(childcare_app, capacity=1, name=f"分页托育园{k}")
        child = await register_child(client, parent, f"分页娃{k}")
        assert (await apply(client, parent, child, inst.id)).json()["status"] == "enrolled"
    await deliver(childcare_app)

    first = await inbox(client, "childcare", parent, limit=2)
    rest = await inbox(client, "childcare", parent, limit=2, cursor=first["next_cursor"])

    names = [i["params"]["child_name"] for i in first["items"] + rest["items"]]
    assert names == ["分页娃2", "分页娃1", "分页娃0"]
    assert rest["next_cursor"] is None and first["unread"] == rest["unread"] == 3
    other = await client.get(
        "/childcare/v1/me/notifications",
        params={"cursor": first["next_cursor"]},
        headers=tokens.headers("pg-other", "citizen"),
    )
    assert other.status_code == 400 and other.json()["code"] == "invalid_cursor"


async def test_english_on_request_and_the_default_is_chinese(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    _, parents, _ = await _queue(client, childcare_app, tokens, "lang", 1)
    await deliver(childcare_app)

    zh = await client.get("/childcare/v1/me/notifications", headers=parents[0])
    en = await client.get(
        "/childcare/v1/me/notifications", headers={**parents[0], "Accept-Language": "en"}
    )

    assert zh.headers["content-language"] == "zh-CN"
    assert en.headers["content-language"] == "en"
    assert en.json()["items"][0]["title"] == "Enrolled"
    assert en.json()["items"][0]["kind"] == zh.json()["items"][0]["kind"] == "childcare.enrolled"


async def test_a_change_that_rolls_back_leaves_no_event(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    _, parents, ids = await _queue(client, childcare_app, tokens, "rb", 2)
    sessionmaker = service_context(childcare_app).database.sessionmaker
    guardian = Principal(sub="rb-0", roles=frozenset({"citizen"}), token="")

    async def count(session_events: str) -> int:
        async with sessionmaker() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(notification_outbox)
                    .where(notification_outbox.c.recipient_sub.like(session_events))
                )
                or 0
            )

    before = await count("rb-%")
    with pytest.raises(RuntimeError):
        async with sessionmaker() as session, session.begin():
            act = service.Act(session, guardian, Clock(), TTL)
            await service.withdraw(act, ids[0])  # frees the place: the next child's offer
            raise RuntimeError("the write fails after the change")

    assert await count("rb-%") == before
    async with sessionmaker() as session:
        statuses = [
            (await session.get(Enrollment, i, populate_existing=True)).status  # type: ignore[union-attr]
            for i in ids
        ]
    assert statuses == ["enrolled", "waitlisted"]
    # and the same move committed writes its events
    await client.post(f"/childcare/v1/enrollments/{ids[0]}/withdraw", headers=parents[0])
    assert await count("rb-1") == 1


async def test_the_twelve_hour_reminder_fires_once(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens, clock: MovableClock
) -> None:
    _, parents, ids = await _queue(client, childcare_app, tokens, "rm", 2)
    await client.post(f"/childcare/v1/enrollments/{ids[0]}/withdraw", headers=parents[0])
    sessionmaker = service_context(childcare_app).database.sessionmaker

    clock.advance(hours=30)  # 18 h left: too early
    assert await remind(sessionmaker, now=clock.moment) == 0
    clock.advance(hours=7)  # 11 h left
    assert await remind(sessionmaker, now=clock.moment) == 1
    clock.advance(hours=1)
    assert await remind(sessionmaker, now=clock.moment) == 0
    await deliver(childcare_app)

    page = await inbox(client, "childcare", parents[1])
    assert kinds(page) == ["childcare.offer_expiring", "childcare.offer_made"]
    assert page["items"][0]["params"]["deadline"] == page["items"][1]["params"]["deadline"]
