"""What every process refuses at its edge, on real processes of all four kinds started with the
product's uvicorn command: a request head over 16 KiB is `431` before the rest is read, a body
that does not arrive in time is `408` with its connection closed, and a path with dot segments
or an encoded slash is `400` before routing. Requests are written
to a socket byte for byte, so what is tested is what went on the wire."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import psutil
import pytest

from common.provisioning import ProvisionedDatabase
from common.registry import PROCESS_NAMES, SERVICE_NAMES, process
from tests.fixtures.processes import pid_listening_on, served
from tests.fixtures.raw_http import connect, exchange, parse, read_to_end, request_line
from tests.fixtures.tokens import DevTokens

pytestmark = pytest.mark.e2e
KIB = 1024
# a POST whose route reads its body, per process
WRITES = {
    "gateway": "/childcare/v1/children",  # the proxy reads the body before calling a service
    "childcare": "/childcare/v1/children",
    "jobs": "/jobs/v1/stations/1/check-ins",
    "eldercare": "/eldercare/v1/care-requests",
}


def get_with_header(size: int, *, close: bool = False) -> bytes:
    extra = b"Connection: close\r\n" if close else b""
    return b"GET /healthz HTTP/1.1\r\nHost: t\r\n" + extra + b"X-Big: " + b"a" * size + b"\r\n\r\n"


@pytest.fixture(scope="module", params=PROCESS_NAMES)
def running(
    request: pytest.FixtureRequest, db: ProvisionedDatabase, tokens: DevTokens
) -> Iterator[tuple[str, str]]:
    name: str = request.param
    env = {
        "ENVIRONMENT": "development",
        "DEV_KEY_FILE": str(tokens.public_key),
        "LOG_LEVEL": "WARNING",
        "BODY_READ_TIMEOUT_SECONDS": "1",
    }
    if name in SERVICE_NAMES:
        env["DATABASE_URL"] = db.service_urls[name]
    else:
        env["STARTUP_WARM_SECONDS"] = "0"
    with served(process(name).app_factory, env, ready_path="/healthz") as base:
        yield name, base


def test_a_head_over_16_kib_is_431_and_its_connection_closed(running: tuple[str, str]) -> None:
    _, base = running
    answer = exchange(base, get_with_header(16 * KIB + 1))  # returns once the server closed

    assert answer.status == 431
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["connection"] == "close"
    assert answer.headers["x-request-id"]
    assert answer.json()["code"] == "request_headers_too_large"
    assert answer.json()["status"] == 431
    # the head (Accept-Language with it) was never read: the default language answers
    assert answer.headers["content-language"] == "zh-CN"
    assert answer.json()["title"] == "请求头过大"


def test_a_head_of_15_kib_is_served(running: tuple[str, str]) -> None:
    _, base = running
    answer = exchange(base, get_with_header(15 * KIB, close=True))

    assert answer.status == 200
    assert answer.json() == {"status": "ok", "checks": {}}


def test_a_head_sent_in_small_pieces_is_refused_once_it_passes_the_limit(
    running: tuple[str, str],
) -> None:
    _, base = running
    request = get_with_header(64 * KIB)
    with connect(base) as sock:
        sent = 0
        try:
            while sent < len(request):
                sock.sendall(request[sent : sent + 1000])
                sent += 1000
        except OSError:
            pass  # the server may close while we still write: its answer is read below
        answer = parse(read_to_end(sock))

    assert answer.status == 431


@pytest.mark.parametrize(
    "path", ["/x/../healthz", "/x/%2E%2e/healthz", "/healthz%2f.", "/./healthz"]
)
def test_a_path_with_a_dot_segment_or_encoded_slash_is_400_invalid_path(
    running: tuple[str, str], path: str
) -> None:
    _, base = running
    answer = exchange(base, request_line("GET", path))

    assert answer.status == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "invalid_path"


def test_a_body_shorter_than_its_content_length_is_408_and_closed(
    running: tuple[str, str],
) -> None:
    name, base = running
    request = (
        f"POST {WRITES[name]} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n{"
    ).encode()
    answer = exchange(base, request)  # returns once the server closed

    assert answer.status == 408
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["connection"] == "close"
    assert answer.json()["code"] == "request_timeout"
    assert answer.headers["x-request-id"]


def test_a_50_mb_header_is_cut_short_while_other_clients_are_served(
    running: tuple[str, str],
) -> None:
    _, base = running
    server = psutil.Process(pid_listening_on(base))
    rss_before = server.memory_info().rss
    sending = threading.Event()
    received: list[bytes] = []

    def read(sock: socket.socket) -> None:
        try:
            received.append(read_to_end(sock))
        except OSError:  # no answer at all
            received.append(b"")

    def attack() -> None:
        with connect(base) as sock:
            reader = threading.Thread(target=read, args=(sock,))
            reader.start()
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ")
            sending.set()
            try:
                for _ in range(50):
                    sock.sendall(b"a" * (1024 * KIB))
            except OSError:
                pass  # the server stopped reading and closed: what we want
            reader.join()

    attacker = threading.Thread(target=attack)
    attacker.start()
    assert sending.wait(30)
    other = httpx.get(f"{base}/healthz", timeout=30)
    attacker.join()

    assert other.status_code == 200 and other.json()["status"] == "ok"
    assert received[0].startswith(b"HTTP/1.1 431 ")
    assert server.memory_info().rss - rss_before < 16 * KIB * KIB
