"""Dockerfile: hadolint-clean, multi-stage offline install, non-root, health-checked."""

from __future__ import annotations

import json
from pathlib import Path

from tests.deploy.support import DOCKERFILE, dockerfile_stages, run_tool, tool


def hadolint(path: Path) -> tuple[int, list[dict[str, object]]]:
    result = run_tool(tool("hadolint"), "--format", "json", "--no-color", str(path))
    return result.returncode, json.loads(result.stdout or "[]")


def runtime_stage() -> list[tuple[str, str]]:
    return dockerfile_stages(DOCKERFILE.read_text(encoding="utf-8"))[-1]


def test_hadolint_finds_nothing() -> None:
    code, findings = hadolint(DOCKERFILE)
    assert findings == []
    assert code == 0


def test_hadolint_flags_a_broken_dockerfile(tmp_path: Path) -> None:
    broken = tmp_path / "Dockerfile"
    broken.write_text(
        "FROM python:latest\nRUN pip install fastapi\nADD . /app\nCMD wellbeing serve gateway\n",
        encoding="utf-8",
    )
    code, findings = hadolint(broken)
    rules = {f["code"] for f in findings}
    assert code != 0
    assert {"DL3007", "DL3013", "DL3020", "DL3042"} <= rules


def test_wheels_are_built_in_one_stage_and_installed_offline_in_the_next() -> None:
    stages = dockerfile_stages(DOCKERFILE.read_text(encoding="utf-8"))
    assert len(stages) == 2
    assert all(stage[0][1].startswith("python:3.11-slim") for stage in stages)
    assert any(k == "RUN" and "pip wheel" in a for k, a in stages[0])
    runs = [a for k, a in stages[1] if k == "RUN"]
    assert any("pip install" in a and "--no-index" in a for a in runs)
    assert any(k == "COPY" and a.startswith("--from=builder") for k, a in stages[1])


def test_runtime_runs_as_uid_10001() -> None:
    users = [a for k, a in runtime_stage() if k == "USER"]
    assert users and users[-1].split(":")[0] == "10001"
    # nothing after the switch runs as root again
    keywords = [k for k, _ in runtime_stage()]
    assert "RUN" not in keywords[keywords.index("USER") :]


def test_runtime_health_checks_healthz_on_port_without_curl() -> None:
    checks = [a for k, a in runtime_stage() if k == "HEALTHCHECK"]
    assert len(checks) == 1
    command = json.loads(checks[0].split("CMD", 1)[1])
    assert command[:2] == ["python", "-c"]
    assert "/healthz" in command[2] and "PORT" in command[2]


def test_exec_form_entrypoint_and_graceful_stop() -> None:
    stage = dict(runtime_stage())
    assert json.loads(stage["ENTRYPOINT"]) == ["wellbeing"]
    assert json.loads(stage["CMD"])[:2] == ["serve", "gateway"]
    assert stage["STOPSIGNAL"] == "SIGTERM"


def test_python_runtime_flags_and_migration_files_are_in_the_image() -> None:
    env = " ".join(a for k, a in runtime_stage() if k == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "PYTHONUNBUFFERED=1" in env
    copied = " ".join(a for k, a in runtime_stage() if k == "COPY")
    assert "alembic.ini" in copied
    assert "migrations ./migrations" in copied
