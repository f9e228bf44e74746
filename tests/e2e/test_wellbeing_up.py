"""`wellbeing up` as a real process: embedded PostgreSQL, migrations, demo data, four processes
on free loopback ports, called through the gateway with httpx; then SIGTERM, and a second start
on the same data dir that does not re-seed, where one service is SIGKILLed: the gateway keeps
serving the others and the supervisor brings the killed one back."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
import pytest

from tests.fixtures.processes import free_port
from tests.fixtures.waiting import eventually_sync

pytestmark = pytest.mark.e2e
WELLBEING = str(Path(sys.executable).with_name("wellbeing"))


@contextmanager
def platform(
    data_dir: Path, ports: dict[str, int]
) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    argv = [WELLBEING, "up", "--data-dir", str(data_dir)] + [
        arg for name, port in ports.items() for arg in (f"--{name}-port", str(port))
    ]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip())
            if "ready in" in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(180):
            raise AssertionError("wellbeing up did not become ready:\n" + "\n".join(lines[-40:]))
        yield proc, lines
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
        reader.join(5)
        if proc.stdout is not None:
            proc.stdout.close()


def _token(data_dir: Path, sub: str, role: str) -> str:
    out = subprocess.run(
        [WELLBEING, "token", "--sub", sub, "--role", role, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = out.stdout.splitlines()
    assert len(lines) == 1
    return lines[0]


def _postgres_running(pgdata: Path) -> bool:
    for p in psutil.process_iter(["name", "cmdline"]):
        if p.info["name"] == "postgres" and str(pgdata) in " ".join(p.info["cmdline"] or []):
            return True
    return False


def client_ok(gw: str) -> bool:
    return httpx.get(f"{gw}/readyz", timeout=10).status_code == 200


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _service_pid(up: subprocess.Popen[str], service: str) -> int | None:
    factory = f"services.{service}.main:create_app"
    for child in psutil.Process(up.pid).children(recursive=True):
        try:
            if factory in child.cmdline() and child.status() != psutil.STATUS_ZOMBIE:
                return child.pid
        except psutil.NoSuchProcess:
            continue
    return None


def _status(client: httpx.Client, path: str) -> int:
    try:
        return client.get(path).status_code
    except httpx.TransportError:
        return 0


def _kill_jobs_and_see_it_come_back(
    up: subprocess.Popen[str], lines: list[str], client: httpx.Client
) -> None:
    killed = _service_pid(up, "jobs")
    assert killed is not None
    assert _status(client, "/jobs/v1/stations?limit=1") == 200
    psutil.Process(killed).kill()  # SIGKILL: no shutdown of its own

    # while jobs is down the gateway says so, and keeps answering the other services
    stations = "/jobs/v1/stations?limit=1"
    eventually_sync(lambda: _status(client, stations), lambda status: status != 200, within=60)
    childcare = client.get("/childcare/v1/stats")
    eldercare = client.get("/eldercare/v1/communities", params={"limit": 1})
    assert childcare.status_code == 200 and childcare.json()["totals"]["institutions"] == 126
    assert eldercare.status_code == 200 and eldercare.json()["items"]
    assert client.get("/healthz").json()["status"] == "ok"

    # the supervisor said what happened and brought it back on the same port
    eventually_sync(lambda: _status(client, stations), lambda status: status == 200, within=60)
    output = "\n".join(lines)
    assert "jobs stopped unexpectedly (killed by signal 9)" in output
    assert "restarting in 1 s" in output
    assert "wellbeing: jobs restarted (pid" in output
    assert _service_pid(up, "jobs") not in (None, killed)
    assert up.poll() is None


def test_up_serves_stops_cleanly_restarts_without_reseeding_and_revives_a_killed_service() -> None:
    with tempfile.TemporaryDirectory(prefix="wellbeing-e2e-") as tmp:
        data_dir = Path(tmp) / "data"
        ports = {name: free_port() for name in ("gateway", "childcare", "jobs", "eldercare")}
        gw = f"http://127.0.0.1:{ports['gateway']}"

        with platform(data_dir, ports) as (proc, lines):
            output = "\n".join(lines)
            assert gw in output and "demo citizen token" in output
            with httpx.Client(base_url=gw, timeout=10) as client:
                assert client.get("/healthz").json()["status"] == "ok"
                ready = client.get("/readyz")
                assert ready.status_code == 200, ready.text
                assert set(ready.json()["checks"]) == {"childcare", "jobs", "eldercare"}

                stats = client.get("/childcare/v1/stats", headers={"X-Request-ID": "e2e-1"})
                assert stats.headers["x-request-id"] == "e2e-1"
                assert (
                    stats.json()["totals"]["institutions"],
                    stats.json()["totals"]["slots"],
                ) == (126, 9745)
                nearby = client.get(
                    "/childcare/v1/institutions",
                    params={"lat": 40.84, "lon": 111.75, "radius_m": 5000},
                ).json()["items"]
                assert nearby and nearby[0]["distance_m"] <= nearby[-1]["distance_m"]
                stations = client.get("/jobs/v1/stations", params={"limit": 5}).json()
                assert len(stations["items"]) == 5

                spec = client.get("/openapi.json").json()
                prefixes = {p.split("/")[1] for p in spec["paths"]}
                assert {"childcare", "jobs", "eldercare", "wellbeing"} <= prefixes

                citizen = {"Authorization": f"Bearer {_token(data_dir, 'citizen-e2e', 'citizen')}"}
                child = client.post(
                    "/childcare/v1/children",
                    json={"name": "端到端", "birth_date": "2025-03-01"},
                    headers=citizen,
                )
                assert child.status_code == 201, child.text
                listed = client.get("/childcare/v1/children", headers=citizen).json()["items"]
                assert [c["name"] for c in listed] == ["端到端"]
                view = client.get("/wellbeing/v1/me", headers=citizen).json()
                assert view["childcare"]["status"] == "ok"
                assert [c["name"] for c in view["childcare"]["data"]["children"]] == ["端到端"]
                assert client.get("/childcare/v1/children").status_code == 401

            # a second `up` on the same data dir refuses instead of fighting over the database
            twice = subprocess.run(
                [WELLBEING, "up", "--data-dir", str(data_dir)],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert twice.returncode == 2 and "already running" in twice.stderr
            assert client_ok(gw)

            children = [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]
            assert len(children) >= 4
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(60) == 0

        assert not any(
            psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
            for pid in children
        )
        assert not _postgres_running(data_dir / "pgdata")
        assert all(_port_free(p) for p in ports.values())

        with platform(data_dir, ports) as (proc, lines):
            assert any("not re-seeding" in line for line in lines)
            with httpx.Client(base_url=gw, timeout=10) as client:
                totals = client.get("/childcare/v1/stats").json()["totals"]
                assert totals["institutions"] == 126
                citizen = {"Authorization": f"Bearer {_token(data_dir, 'citizen-e2e', 'citizen')}"}
                kept = client.get("/childcare/v1/children", headers=citizen).json()["items"]
                assert [c["name"] for c in kept] == ["端到端"]

                _kill_jobs_and_see_it_come_back(proc, lines, client)
                children = [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]
        # Ctrl-C/SIGTERM still stops everything, the restarted process included
        assert proc.returncode == 0
        assert not any(
            psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
            for pid in children
        )
        assert not _postgres_running(data_dir / "pgdata")
