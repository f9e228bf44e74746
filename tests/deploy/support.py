"""Loading the deployment files (the kustomize overlays rendered by kubectl) and running the
offline validators the dev extra installs."""

from __future__ import annotations

import functools
import re
import shlex
import shutil
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
OVERLAYS = ("dev", "prod")
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


def kubectl() -> str:
    found = shutil.which("kubectl")
    assert found, "kubectl (with its built-in kustomize) is not installed"
    return found


@functools.cache
def rendered_text(overlay: str) -> str:
    """`kubectl kustomize deploy/overlays/<overlay>`: what `kubectl apply -k` would send."""
    result = run_tool(kubectl(), "kustomize", str(DEPLOY_DIR / "overlays" / overlay))
    assert result.returncode == 0, result.stderr
    return result.stdout


def manifests(overlay: str = "prod") -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(rendered_text(overlay)) if d]


def of_kind(kind: str, overlay: str = "prod") -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in manifests(overlay) if d["kind"] == kind}


def config(overlay: str = "prod", name: str = "wellbeing-config") -> dict[str, str]:
    """A generated ConfigMap's data (its name carries a content hash)."""
    (found,) = [
        d["data"]
        for d in manifests(overlay)
        if d["kind"] == "ConfigMap" and d["metadata"]["name"].rsplit("-", 1)[0] == name
    ]
    data: dict[str, str] = found
    return data


def pod_specs(overlay: str = "prod") -> dict[str, dict[str, Any]]:
    """Every pod template, by `Kind/name`: Deployments, the Job and the CronJob."""
    specs: dict[str, dict[str, Any]] = {}
    for doc in manifests(overlay):
        spec = doc.get("spec", {})
        if doc["kind"] == "CronJob":
            spec = spec["jobTemplate"]["spec"]
        if "template" in spec and doc["kind"] != "HorizontalPodAutoscaler":
            specs[f"{doc['kind']}/{doc['metadata']['name']}"] = spec["template"]["spec"]
    return specs


def secrets_read(pod: dict[str, Any]) -> set[str]:
    """Names of the Secrets a pod can read: env, envFrom and volumes."""
    names = {v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v}
    for c in pod["containers"]:
        names |= {e["secretRef"]["name"] for e in c.get("envFrom", []) if "secretRef" in e}
        for e in c.get("env", []):
            if ref := e.get("valueFrom", {}).get("secretKeyRef"):
                names.add(ref["name"])
    return names


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
