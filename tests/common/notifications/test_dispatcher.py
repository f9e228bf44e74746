"""The dispatcher against real PostgreSQL (childcare's outbox and inbox) and a real push gateway
on loopback: a receiver answering 500 three times then 204 gets the same event id four times and
the inbox holds the row once; 24 h of failures end in the admins' list and the metric; a
dispatcher killed mid-delivery loses nothing; two dispatchers never deliver an event twice;
quiet hours hold all but offers until 07:00."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from sqlalchemy import delete, func, select
from standardwebhooks import Webhook

from common.clock import CITY_TZ
from common.notifications.dispatcher import Dispatcher
from common.notifications.outbox import Notice
from common.notifications.webhook import Event, Pusher
from common.notifications.wiring import dispatcher_for, reader_connect
from common.read import Reader
from common.state import service_context
from services.childcare.models import notification_inbox, notification_outbox
from services.childcare.notifications.kinds import ENROLLED, OFFER_MADE, OUTBOX
from tests.fixtures.clients import isolated_client
from tests.fixtures.tokens import DevTokens
from tests.fixtures.webhook_receiver import webhook_receiver

SECRET = "whsec_" + "c2VjcmV0LW9mLXRoZS1wdXNoLWdhdGV3YXktdGVzdHM="
NOON = datetime(2026, 12, 7, 12, 0, tzinfo=CITY_TZ).astimezone(UTC)


@pytest.fixture
async def client(childcare_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with isolated_client(childcare_app) as c:
        yield c


def pusher(url: str) -> Pusher:
    return Pusher(url, SECRET, timeout=5, service="childcare")


async def emit(app: FastAPI, kind: str, sub: str, now: datetime, n: int = 1) -> None:
    async with service_context(app).database.sessionmaker() as session, session.begin():
        for k in range(n):
            params = {
                "child_name": "小明",
                "institution_name": "阳光托育园",
                "deadline": "x",
                "start_date": "2026-12-20",
                "k": k,
            }
            await OUTBOX.emit(session, Notice(kind, [sub], f"enrollment/{k + 1}", params), now=now)


async def inbox_rows(app: FastAPI, sub: str) -> int:
    async with service_context(app).database.reader.connection() as conn:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM childcare.notification_inbox WHERE recipient_sub = $1", sub
            )
        )


async def test_three_failures_then_success_push_the_same_event_id_four_times_inbox_once(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    await emit(childcare_app, ENROLLED, "wh-retry", NOON)
    with webhook_receiver(answers=[500, 500, 500]) as receiver:
        dispatcher = dispatcher_for(childcare_app, pusher=pusher(receiver.url))
        connect = reader_connect(childcare_app)
        now = NOON
        for _ in range(5):  # each round an hour later: any backoff so far is due
            await dispatcher.run_once(connect, now)
            now += timedelta(hours=1)
        await dispatcher.pusher.aclose()  # type: ignore[union-attr]
        mine = [d for d in receiver.received() if b'"wh-retry"' in d.body]

    assert len(mine) == 4
    assert len({d.headers["webhook-id"] for d in mine}) == 1
    assert len({json.loads(d.body)["id"] for d in mine}) == 1
    assert await inbox_rows(childcare_app, "wh-retry") == 1
    verified = Webhook(SECRET).verify(mine[-1].body, mine[-1].headers)
    assert verified["type"] == "cn.gov.hohhot.wellbeing.childcare.enrolled"
    assert verified["data"]["text"]["en"]["title"] == "Enrolled"


async def test_a_day_of_failures_is_listed_for_admins_and_counted(
    client: httpx.AsyncClient, childcare_app: FastAPI, tokens: DevTokens
) -> None:
    before = (
        REGISTRY.get_sample_value(
            "wellbeing_notifications_total", {"service": "childcare", "outcome": "undelivered"}
        )
        or 0.0
    )
    await emit(childcare_app, OFFER_MADE, "wh-gives-up", NOON)
    with webhook_receiver(answers=[503] * 100) as receiver:
        dispatcher = dispatcher_for(childcare_app, pusher=pusher(receiver.url))
        connect = reader_connect(childcare_app)
        now = NOON
        while now < NOON + timedelta(hours=30):
            await dispatcher.run_once(connect, now)
            now += timedelta(hours=2)
        await dispatcher.pusher.aclose()  # type: ignore[union-attr]
        attempts = [d for d in receiver.received() if b'"wh-gives-up"' in d.body]

    listed = await client.get(
        "/childcare/v1/admin/undelivered", headers=tokens.headers("wh-admin", "admin")
    )
    refused = await client.get(
        "/childcare/v1/admin/undelivered", headers=tokens.headers("wh-citizen", "citizen")
    )

    mine = [i for i in listed.json()["items"] if i["recipient_sub"] == "wh-gives-up"]
    assert listed.status_code == 200 and len(mine) == 1
    assert mine[0]["kind"] == OFFER_MADE and mine[0]["last_error"] == "HTTP 503"
    assert mine[0]["attempts"] == len(attempts) > 5
    assert mine[0]["event_id"] == attempts[0].headers["webhook-id"]
    assert refused.status_code == 403
    after = REGISTRY.get_sample_value(
        "wellbeing_notifications_total", {"service": "childcare", "outcome": "undelivered"}
    )
    assert after == before + 1
    assert await inbox_rows(childcare_app, "wh-gives-up") == 1  # the inbox has it all along


class Stuck(Pusher):
    """A push that never comes back: the dispatcher is killed while it waits."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9/", SECRET, timeout=5, service="childcare")
        self.started = asyncio.Event()

    async def send(self, event: Event, catalog: object) -> str | None:  # type: ignore[override]
        self.started.set()
        await asyncio.Event().wait()
        return None


async def test_a_dispatcher_killed_mid_delivery_loses_nothing(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    await emit(childcare_app, OFFER_MADE, "wh-killed", NOON)
    connect = reader_connect(childcare_app)
    stuck = Stuck()
    first = dispatcher_for(childcare_app, pusher=stuck)
    task = asyncio.create_task(first.run_once(connect, NOON))
    await stuck.started.wait()
    task.cancel()  # killed with the push in flight (the claim committed, no outcome)
    with pytest.raises(asyncio.CancelledError):
        await task
    await stuck.aclose()

    with webhook_receiver() as receiver:
        second = dispatcher_for(childcare_app, pusher=pusher(receiver.url))
        await second.run_once(connect, NOON + timedelta(seconds=5))  # still leased: not yet
        early = [d for d in receiver.received() if b'"wh-killed"' in d.body]
        await second.run_once(connect, NOON + timedelta(minutes=2))  # the lease ran out
        await second.pusher.aclose()  # type: ignore[union-attr]
        late = [d for d in receiver.received() if b'"wh-killed"' in d.body]

    assert early == [] and len(late) == 1
    assert await inbox_rows(childcare_app, "wh-killed") == 1


async def test_quiet_hours_hold_all_but_offers_until_seven(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    late = datetime(2026, 12, 7, 23, 0, tzinfo=CITY_TZ).astimezone(UTC)
    await emit(childcare_app, ENROLLED, "wh-night", late)
    await emit(childcare_app, OFFER_MADE, "wh-night", late)
    with webhook_receiver() as receiver:
        dispatcher = dispatcher_for(childcare_app, pusher=pusher(receiver.url))
        connect = reader_connect(childcare_app)

        def kinds() -> list[str]:
            return [
                json.loads(d.body)["data"]["kind"]
                for d in receiver.received()
                if b'"wh-night"' in d.body
            ]

        await dispatcher.run_once(connect, late)
        at_night = kinds()
        await dispatcher.run_once(connect, late + timedelta(hours=7, minutes=59))  # 06:59
        before_seven = kinds()
        await dispatcher.run_once(connect, late + timedelta(hours=8))  # 07:00
        at_seven = kinds()
        await dispatcher.pusher.aclose()  # type: ignore[union-attr]

    assert at_night == before_seven == [OFFER_MADE]
    assert sorted(at_seven) == sorted([OFFER_MADE, ENROLLED])
    assert await inbox_rows(childcare_app, "wh-night") == 2  # the inbox is not held


async def test_two_dispatchers_never_deliver_an_event_twice(childcare_app: FastAPI) -> None:
    """On committed rows and two real pool connections at once, small batches, racing."""
    prefix = "wh-race-"
    database = service_context(childcare_app).database
    n = 300
    async with database.background_sessionmaker() as session, session.begin():
        for k in range(n):
            await OUTBOX.emit(
                session,
                Notice(
                    ENROLLED,
                    [f"{prefix}{k}"],
                    f"enrollment/{k + 1}",
                    {"child_name": "娃", "institution_name": "园", "start_date": "2026-12-20"},
                ),
                now=NOON,
            )
    try:
        with webhook_receiver() as receiver:
            connect = Reader(database.engine).connection
            racers = [dispatcher_for(childcare_app, pusher=pusher(receiver.url)) for _ in range(2)]
            for racer in racers:
                racer.batch = 7

            async def drain(racer: Dispatcher) -> int:
                done = 0
                while did := await racer.run_once(connect, NOON):
                    done += did
                return done

            counts = await asyncio.gather(*(drain(r) for r in racers))
            for racer in racers:
                await racer.pusher.aclose()  # type: ignore[union-attr]
            pushed = [json.loads(d.body) for d in receiver.received()]

        async with database.background_sessionmaker() as session:
            inboxed = (
                await session.execute(
                    select(notification_inbox.c.event_id, func.count())
                    .where(notification_inbox.c.recipient_sub.like(f"{prefix}%"))
                    .group_by(notification_inbox.c.event_id)
                )
            ).all()
        mine = [e["id"] for e in pushed if e["data"]["recipient_sub"].startswith(prefix)]
        assert len(inboxed) == n and {c for _, c in inboxed} == {1}
        assert len(mine) == n and len(set(mine)) == n  # each pushed once: claims are disjoint
        assert all(c > 0 for c in counts)  # both took part
    finally:
        async with database.background_sessionmaker() as session, session.begin():
            for table in (notification_inbox, notification_outbox):
                await session.execute(delete(table).where(table.c.recipient_sub.like(f"{prefix}%")))


class Broken(Pusher):
    """A push that fails in our own code, before anything is sent."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9/", SECRET, timeout=5, service="childcare")

    async def send(self, event: Event, catalog: object) -> str | None:  # type: ignore[override]
        raise RuntimeError("a bug on our side")


async def test_a_push_that_fails_on_our_side_is_retried_not_stuck(
    client: httpx.AsyncClient, childcare_app: FastAPI
) -> None:
    await emit(childcare_app, OFFER_MADE, "wh-broken", NOON)
    connect = reader_connect(childcare_app)
    await dispatcher_for(childcare_app, pusher=Broken()).run_once(connect, NOON)
    async with service_context(childcare_app).database.reader.connection() as conn:
        state = await conn.fetchrow(
            "SELECT push_state, push_attempts, push_last_error, push_next_at"
            " FROM childcare.notification_outbox WHERE recipient_sub = 'wh-broken'"
        )
    assert (state["push_state"], state["push_attempts"]) == ("pending", 1)
    assert state["push_last_error"] == "RuntimeError"
    assert NOON < state["push_next_at"] < NOON + timedelta(seconds=5)  # the backoff, not the lease
