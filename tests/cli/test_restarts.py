"""`wellbeing up`'s restart policy on an injected clock and fake processes: the backoff
schedule, a dead process restarted only once its wait is over, the others left alone."""

from __future__ import annotations

from pathlib import Path

from wellbeing.processes import Supervisor
from wellbeing.restarts import Backoff


def test_backoff_doubles_from_one_second_to_thirty_and_resets_after_a_minute_up() -> None:
    backoff = Backoff()

    crash_loop = [backoff.delay(ran_for=0.5) for _ in range(7)]
    after_a_long_run = backoff.delay(ran_for=60.0)
    then = backoff.delay(ran_for=59.9)

    assert crash_loop == [1, 2, 4, 8, 16, 30, 30]
    assert (after_a_long_run, then) == (1, 2)


class FakeProcess:
    pids = iter(range(1000, 2000))

    def __init__(self) -> None:
        self.pid = next(self.pids)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_dead_process_restarts_after_its_backoff_and_the_others_are_untouched(
    tmp_path: Path,
) -> None:
    clock, said, spawned = Clock(), list[str](), list[tuple[list[str], FakeProcess]]()

    def spawn(argv: list[str], env: dict[str, str], log: Path) -> FakeProcess:
        spawned.append((argv, FakeProcess()))
        return spawned[-1][1]

    sup = Supervisor(tmp_path, say=said.append, clock=clock, spawn=spawn)  # type: ignore[arg-type]
    sup.start("jobs", ["run", "jobs"], {"A": "1"})
    sup.start("gateway", ["run", "gateway"], {})
    gateway = sup.children["gateway"].proc

    clock.now += 5
    sup.children["jobs"].proc.returncode = -9  # SIGKILL
    sup.tend()
    assert said == [
        f"wellbeing: jobs stopped unexpectedly (killed by signal 9) after 5 s; restarting in 1 s "
        f"(log: {tmp_path / 'jobs.log'})"
    ]
    clock.now += 0.5
    sup.tend()
    assert len(spawned) == 2 and len(said) == 1  # not before its second is over

    clock.now += 0.5
    sup.tend()
    assert len(spawned) == 3 and spawned[-1][0] == ["run", "jobs"]
    assert said[-1] == f"wellbeing: jobs restarted (pid {spawned[-1][1].pid})"
    assert sup.children["gateway"].proc is gateway and sup.dead() == []

    # dies again at once: the wait doubles; after a minute up it is back to one second
    clock.now += 1
    sup.children["jobs"].proc.returncode = 1
    sup.tend()
    assert said[-1].startswith("wellbeing: jobs stopped unexpectedly (exit code 1) after 1 s")
    assert "restarting in 2 s" in said[-1]
    clock.now += 2
    sup.tend()
    clock.now += 61
    sup.children["jobs"].proc.returncode = 1
    sup.tend()
    assert "after 61 s; restarting in 1 s" in said[-1]
