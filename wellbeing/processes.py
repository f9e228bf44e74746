"""Supervision of the four uvicorn processes that `wellbeing up` starts: started, restarted
when one dies (DESIGN §7: the others keep serving), stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from common.registry import process as process_spec
from wellbeing.restarts import Backoff

GRACEFUL_SHUTDOWN_SECONDS = 10
READY_TIMEOUT_SECONDS = 60.0


class StartupError(RuntimeError):
    """The platform could not be brought up; the message says why and where to look."""


# the httptools protocol with a limit on the request line plus headers (431), see
# common/http_server.py; a module path, because uvicorn imports it by name
HTTP_PROTOCOL = "common.http_server:HeaderLimitedHttpToolsProtocol"


def uvicorn_options(app_factory: str, host: str, port: int) -> list[str]:
    """uvicorn's command line for every process we run: `wellbeing serve`, `wellbeing up` and
    the tests' real processes all start from here, so they behave alike at the edge.

    `--no-proxy-headers`: uvicorn would otherwise believe `X-Forwarded-For` from 127.0.0.1 (its
    default `FORWARDED_ALLOW_IPS`) and rewrite the client address before the gateway's own
    `TRUSTED_PROXIES` rule runs; a forged header would then pick its own rate-limit bucket.
    `--timeout-graceful-shutdown`: on SIGTERM requests in flight finish (up to that long)."""
    return [
        "--factory",
        app_factory,
        "--host",
        host,
        "--port",
        str(port),
        "--http",
        HTTP_PROTOCOL,
        "--no-proxy-headers",
        "--timeout-graceful-shutdown",
        str(GRACEFUL_SHUTDOWN_SECONDS),
        "--no-access-log",
    ]


def uvicorn_command(app_factory: str, host: str, port: int) -> list[str]:
    """`uvicorn_options` as a child process's argv."""
    return [sys.executable, "-m", "uvicorn", *uvicorn_options(app_factory, host, port)]


def uvicorn_argv(process: str, host: str, port: int) -> list[str]:
    return uvicorn_command(process_spec(process).app_factory, host, port)


Spawn = Callable[[list[str], dict[str, str], Path], "subprocess.Popen[bytes]"]


def spawn(argv: list[str], env: dict[str, str], log_file: Path) -> subprocess.Popen[bytes]:
    with log_file.open("ab") as log:
        return subprocess.Popen(
            argv,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop them in order
        )


@dataclass
class Child:
    """One supervised process: how to start it again, and when it last started or must."""

    argv: list[str]
    env: dict[str, str]
    proc: subprocess.Popen[bytes]
    started_at: float
    backoff: Backoff = field(default_factory=Backoff)
    restart_at: float | None = None  # set while it is dead and waiting out its backoff


@dataclass
class Supervisor:
    """Starts child processes, restarts one that dies (with backoff, saying so), and stops
    every one of them, whatever happens. `clock` and `spawn` are injectable for tests."""

    log_dir: Path
    say: Callable[[str], None] = print
    clock: Callable[[], float] = time.monotonic
    spawn: Spawn = spawn
    children: dict[str, Child] = field(default_factory=dict)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        proc = self.spawn(argv, env, self.log_dir / f"{name}.log")
        self.children[name] = Child(argv, env, proc, self.clock())

    def dead(self) -> list[str]:
        return [n for n, c in self.children.items() if c.proc.poll() is not None]

    def tend(self) -> None:
        """One round of supervision: schedule a restart of each process found dead, start
        those whose backoff is over. The others are not touched: they keep serving."""
        now = self.clock()
        for name, child in self.children.items():
            code = child.proc.poll()
            if code is None:
                continue
            if child.restart_at is None:
                ran_for = now - child.started_at
                delay = child.backoff.delay(ran_for)
                child.restart_at = now + delay
                how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
                self.say(
                    f"wellbeing: {name} stopped unexpectedly ({how}) after {ran_for:.0f} s; "
                    f"restarting in {delay:.0f} s (log: {self.log_dir / f'{name}.log'})"
                )
            elif now >= child.restart_at:
                child.proc = self.spawn(child.argv, child.env, self.log_dir / f"{name}.log")
                child.started_at, child.restart_at = now, None
                self.say(f"wellbeing: {name} restarted (pid {child.proc.pid})")

    def wait_ready(
        self, urls: dict[str, str], stop: threading.Event, timeout: float = READY_TIMEOUT_SECONDS
    ) -> None:
        """Returns when every process answers 200 on /readyz; raises if one exits, if the time
        runs out, or if `stop` is set (Ctrl-C/SIGTERM while starting)."""
        pending = dict(urls)
        deadline = time.monotonic() + timeout
        while pending:
            if stop.is_set():
                raise StartupError("interrupted while starting")
            if died := self.dead():
                raise StartupError(
                    f"{', '.join(died)} exited while starting; see "
                    + ", ".join(str(self.log_dir / f"{n}.log") for n in died)
                )
            for name, url in list(pending.items()):
                try:
                    if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                        del pending[name]
                except httpx.TransportError:
                    pass
            if pending and time.monotonic() > deadline:
                raise StartupError(
                    f"not ready after {timeout:.0f} s: {', '.join(pending)}; see {self.log_dir}"
                )
            if pending:
                stop.wait(0.2)

    def stop_all(self) -> None:
        procs = [c.proc for c in self.children.values()]
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACEFUL_SHUTDOWN_SECONDS + 5
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
