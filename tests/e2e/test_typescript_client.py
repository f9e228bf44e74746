"""The path most Chinese apps and mini-programs take: the gateway's LIVE merged OpenAPI through
`openapi-typescript` (types) and `openapi-fetch` (calls), pinned in tests/e2e/typescript/
(package.json + package-lock.json). The small typed journey in src/journey.ts must pass
`tsc --noEmit`, then runs with node against the four processes: anonymous public reads, a
typed 401 problem, a child registered and enrolled, the citizen view.

Needs node and npm on PATH (a fresh machine with both is enough: `npm ci` installs the pinned
packages; the npm cache is `$WELLBEING_NPM_CACHE`, default `~/.cache/wellbeing/npm`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from common.provisioning import ProvisionedDatabase
from tests.e2e.platform import Platform, four_processes
from tests.fixtures.tokens import DevTokens

pytestmark = pytest.mark.e2e
PROJECT = Path(__file__).with_name("typescript")
NPM_CACHE = Path(
    os.environ.get("WELLBEING_NPM_CACHE", Path.home() / ".cache" / "wellbeing" / "npm")
)


@pytest.fixture(scope="module")
def platform(db: ProvisionedDatabase, tokens: DevTokens) -> Iterator[Platform]:
    with four_processes(db, tokens, {"AGGREGATE_DEADLINE_SECONDS": "5"}) as running:
        yield running


def _run(command: list[str], cwd: Path, timeout: float = 600) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)}:\n{output}"
    return output


@pytest.fixture(scope="module")
def project(platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the TypeScript project with its pinned packages installed (`npm ci`) and its
    types generated from the live merged spec."""
    npm = shutil.which("npm")
    assert npm is not None, "npm is needed (node 20+)"
    work = tmp_path_factory.mktemp("typescript")
    for name in ("package.json", "package-lock.json", "tsconfig.json"):
        shutil.copy(PROJECT / name, work / name)
    shutil.copytree(PROJECT / "src", work / "src")
    spec = httpx.get(f"{platform.gateway}/openapi.json", timeout=30).json()
    assert "x-missing-services" not in spec, spec.get("x-missing-services")
    (work / "openapi.json").write_text(json.dumps(spec, ensure_ascii=False))

    install = [npm, "ci", "--cache", str(NPM_CACHE), "--prefer-offline", "--no-audit", "--no-fund"]
    _run(install, work)
    generated = _run([npm, "run", "--silent", "generate"], work)
    # openapi-typescript names what it could not type as a warning: none allowed
    assert "warn" not in generated.lower(), generated
    return work


def test_the_typed_journey_passes_tsc_and_runs_against_the_platform(
    project: Path, platform: Platform, tokens: DevTokens
) -> None:
    npm = shutil.which("npm")
    node = shutil.which("node")
    assert npm is not None and node is not None
    schema = (project / "src" / "schema.d.ts").read_text()
    assert '"/wellbeing/v1/me"' in schema and "childcare_list_institutions" in schema

    _run([npm, "run", "--silent", "check"], project)  # tsc --noEmit
    _run([npm, "run", "--silent", "build"], project)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    token = tokens.token("citizen-typescript", "citizen")
    output = _run([node, "dist/journey.js", platform.gateway, token, today], project)
    assert output.strip().endswith("typescript journey ok"), output


def test_tsc_refuses_a_call_the_spec_does_not_allow(project: Path) -> None:
    """The check above can fail: a wrong query parameter type and an unknown path are type
    errors, so `tsc --noEmit` passing means the journey matches the spec."""
    npm = shutil.which("npm")
    assert npm is not None
    bad = project / "src" / "wrong.ts"
    bad.write_text(
        'import createClient from "openapi-fetch";\n'
        'import type { paths } from "./schema.js";\n'
        "const client = createClient<paths>({ baseUrl: 'http://x' });\n"
        'await client.GET("/childcare/v1/institutions", { params: { query: { limit: "5" } } });\n'
        'await client.GET("/childcare/v1/nowhere");\n'
    )
    try:
        result = subprocess.run(
            [npm, "run", "--silent", "check"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        bad.unlink()
    assert result.returncode != 0
    assert "src/wrong.ts(4," in result.stdout, result.stdout
    assert "src/wrong.ts(5," in result.stdout, result.stdout
