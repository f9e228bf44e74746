"""Loading the deployment files and running the offline validators the dev extra installs."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DEPLOY_DIR = ROOT / "deploy"
SERVICES = ("childcare", "jobs", "eldercare")
PROCESSES = (*SERVICES, "gateway")
# console scripts of the dev extra live next to the interpreter running the tests
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is not installed next to {sys.executable} (dev extra)"
    return str(path)


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def manifest_files() -> list[Path]:
    return sorted(DEPLOY_DIR.rglob("*.yaml"))


def manifests() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in manifest_files():
        docs.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d)
    return docs


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in manifests() if d["kind"] == kind}


def wellbeing_invocations(
    command: list[str] | str, entrypoint: list[str] | None
) -> Iterator[list[str]]:
    """The `wellbeing ...` argument lists a container runs, whether exec form or `sh -c`."""
    argv = [command] if isinstance(command, str) else list(command)
    if entrypoint == ["wellbeing"]:
        yield argv
        return
    if entrypoint is not None and entrypoint[:2] == ["/bin/sh", "-c"]:
        for script in argv:
            for step in re.split(r"&&|;|\|\|", script):
                words = shlex.split(step)
                if words and words[0] == "wellbeing":
                    yield words[1:]
        return
    raise AssertionError(f"unexpected entrypoint {entrypoint!r} for command {command!r}")


def dockerfile_stages(text: str) -> list[list[tuple[str, str]]]:
    """Instructions (keyword, arguments) per build stage, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    stages: list[list[tuple[str, str]]] = []
    for raw in joined.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword.upper(), rest.strip()))
    return stages
