"""The reliability proof for a stopping service (DESIGN §2, §8): real processes (the gateway and
childcare, launched with the product's uvicorn command) on real PostgreSQL. SIGTERM reaches the
service with 50 writes in flight and more arriving: the service drains what it has, the gateway
answers what could not start with `503` and `Retry-After`, never `502` or `500`, and every
acknowledged write is in the database — and nothing else is."""

from __future__ import annotations

import asyncio
import signal
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import asyncpg
import httpx
import psutil
import pytest

from common.provisioning import ProvisionedDatabase, asyncpg_dsn, scratch_database
from common.registry import GATEWAY, process
from tests.fixtures.processes import pid_listening_on, served
from tests.fixtures.raw_http import connect, parse, read_to_end
from tests.fixtures.tokens import DevTokens
from tests.fixtures.waiting import eventually, eventually_sync

pytestmark = pytest.mark.e2e
BURST = 50
POOL = 20
ARRIVING_AT_MOST = 4 * BURST


@pytest.fixture(scope="module")
def scratch(db: ProvisionedDatabase) -> Iterator[dict[str, str]]:
    with scratch_database(db.admin_url) as urls:
        yield urls


def _refuses(base: str) -> bool:
    parts = urlsplit(base)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:  # accepted into the backlog as the listener closed: ask again
        return False
    return False


async def _lock_waiters(observer: asyncpg.Connection) -> int:
    count: int = await observer.fetchval(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    return count


async def test_sigterm_with_50_writes_in_flight_loses_none_and_answers_only_201_or_503(
    scratch: dict[str, str], tokens: DevTokens
) -> None:
    auth = {"ENVIRONMENT": "development", "DEV_KEY_FILE": str(tokens.public_key)}
    service_env = {
        **auth,
        "DATABASE_URL": scratch["childcare"],
        "DATABASE_POOL_SIZE": str(POOL),
        "LOG_LEVEL": "WARNING",
    }
    guardian = f"citizen-sigterm-{uuid.uuid4().hex[:8]}"
    citizen = tokens.headers(guardian, "citizen")
    names = (f"排队{n}" for n in range(10_000))

    def write(client: httpx.AsyncClient) -> asyncio.Task[httpx.Response]:
        body = {"name": next(names), "birth_date": "2025-06-01"}
        post = client.post("/childcare/v1/children", json=body, headers=citizen)
        return asyncio.create_task(post)

    dsn = asyncpg_dsn(scratch["childcare"])
    with served(process("childcare").app_factory, service_env) as service:
        gateway_env = {
            **auth,
            "CHILDCARE_URL": service,
            "STARTUP_WARM_SECONDS": "0",
            "WRITE_TIMEOUT_SECONDS": "30",
            "LOG_LEVEL": "WARNING",
        }
        with served(GATEWAY.app_factory, gateway_env, ready_path="/healthz") as gateway:
            service_process = psutil.Process(pid_listening_on(service))
            limits = httpx.Limits(max_connections=4 * BURST)
            async with httpx.AsyncClient(base_url=gateway, timeout=60, limits=limits) as client:
                warm = [await write(client) for _ in range(5)]
                # many reads at once: the gateway now holds many pooled keep-alive connections
                # to the service, idle ones among them when SIGTERM comes
                reads = [
                    client.get("/childcare/v1/children", headers=citizen) for _ in range(2 * BURST)
                ]
                assert {r.status_code for r in await asyncio.gather(*reads)} == {200}
                locker, observer = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
                try:
                    hold = locker.transaction()
                    await hold.start()
                    await locker.execute("LOCK TABLE childcare.child IN EXCLUSIVE MODE")
                    in_flight = [write(client) for _ in range(BURST)]
                    # every database connection of the service waits on the lock: at least
                    # POOL writes are inside the service, the rest on their way through the
                    # gateway or waiting for a database connection
                    await eventually(lambda: _lock_waiters(observer), lambda n: n >= POOL)

                    service_process.send_signal(signal.SIGTERM)
                    # writes keep arriving until the service stops listening: some of them
                    # meet its listener and its idle connections as they are being closed
                    arriving: list[asyncio.Task[httpx.Response]] = []

                    async def more_until_refused() -> bool:
                        if len(arriving) < ARRIVING_AT_MOST:
                            arriving.extend(write(client) for _ in range(2))
                        return await asyncio.to_thread(_refuses, service)

                    await eventually(more_until_refused, bool, pause=0)
                    await hold.rollback()  # the service may now finish what it holds

                    drained = await asyncio.gather(*in_flight)
                    late = await asyncio.gather(*arriving)
                    rows = await observer.fetch(
                        "SELECT id FROM childcare.child WHERE guardian_sub = $1", guardian
                    )
                finally:
                    await locker.close()
                    await observer.close()
            service_process.wait(30)  # drained, it stopped by itself

    answers = [*warm, *drained, *late]
    assert [r.status_code for r in warm] == [201] * 5
    for which, answered in (("held when SIGTERM came", drained), ("arriving after", late)):
        for n, r in enumerate(answered):
            # which write broke the rule, if one did (a body cut by a reset was a 502 once)
            assert r.status_code in (201, 503), f"{which} #{n} of {len(answered)}: {r.text}"
            if r.status_code == 503:
                assert r.json()["code"] == "service_unavailable"
                assert int(r.headers["retry-after"]) >= 1
    # what the service held when told to stop, it finished
    assert sum(r.status_code == 201 for r in drained) >= POOL
    saved = {r.json()["id"] for r in answers if r.status_code == 201}
    assert {row["id"] for row in rows} == saved  # every acknowledged write, and no other


def test_a_request_arriving_on_a_connection_opened_before_sigterm_is_served(
    scratch: dict[str, str], tokens: DevTokens
) -> None:
    env = {
        "ENVIRONMENT": "development",
        "DEV_KEY_FILE": str(tokens.public_key),
        "DATABASE_URL": scratch["jobs"],
        "LOG_LEVEL": "WARNING",
    }
    with served(process("jobs").app_factory, env) as service, connect(service) as sock:
        server = psutil.Process(pid_listening_on(service))
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")  # the head has begun to arrive
        mine = sock.getsockname()[1]
        eventually_sync(
            server.net_connections,
            lambda conns: any(c.raddr and c.raddr.port == mine for c in conns),
        )
        server.send_signal(signal.SIGTERM)
        eventually_sync(lambda: _refuses(service), bool)  # stopping: it listens no more
        sock.sendall(b"\r\n")
        answer = parse(read_to_end(sock))
        server.wait(30)  # it stopped by itself once the request was served

    assert answer.status == 200 and answer.json() == {"status": "ok", "checks": {}}
    assert answer.headers["connection"] == "close"
