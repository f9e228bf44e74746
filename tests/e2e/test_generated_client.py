"""A mobile team's path: generate a Python client from the gateway's LIVE merged OpenAPI with
`openapi-python-client` — no warning on either stream — then run the whole journey of
`generated_journey.py` with only that client against the four running processes, and
type-check that journey with `mypy --strict` against the generated package."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import typing
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from common.provisioning import ProvisionedDatabase
from tests.e2e.platform import Platform, four_processes
from tests.fixtures.tokens import DevTokens

pytestmark = pytest.mark.e2e
PACKAGE = "wellbeing_api_client"
JOURNEY = Path(__file__).with_name("generated_journey.py")
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def platform(db: ProvisionedDatabase, tokens: DevTokens) -> Iterator[Platform]:
    env = {"AGGREGATE_DEADLINE_SECONDS": "5"}
    with four_processes(db, tokens, env) as running:
        yield running


@pytest.fixture(scope="module")
def generated(platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Generates the client package from the live merged spec; yields the directory that
    holds it (on `sys.path` while the module's tests run)."""
    workdir = tmp_path_factory.mktemp("generated")
    answer = httpx.get(f"{platform.gateway}/openapi.json", timeout=30)
    spec = answer.json()
    assert "x-missing-services" not in spec, spec.get("x-missing-services")
    (workdir / "openapi.json").write_text(json.dumps(spec, ensure_ascii=False))
    result = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(workdir / "openapi.json"),
            "--output-path",
            str(workdir / PACKAGE),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        # its post-generation hook runs `ruff`, found beside the interpreter
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # the generator reports what it dropped as warnings, on stderr: either stream fails here
    assert "warning" not in output.lower(), output
    assert (workdir / PACKAGE / "api" / "wellbeing" / "wellbeing_get_citizen_view.py").is_file()
    sys.path.insert(0, str(workdir))
    try:
        yield workdir
    finally:
        sys.path.remove(str(workdir))
        for name in [m for m in sys.modules if m.startswith(PACKAGE)]:
            del sys.modules[name]
        sys.modules.pop("tests.e2e.generated_journey", None)


def test_the_journey_type_checks_against_the_generated_client(generated: Path) -> None:
    """`mypy --strict` on the journey: every call, argument and model it uses exists in the
    generated package with that type (the package's own code is not judged here)."""
    result = subprocess.run(
        [
            str(BIN / "mypy"),
            "--strict",
            "--no-incremental",
            "--follow-imports=silent",
            str(JOURNEY),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MYPYPATH": str(generated)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in 1 source file" in result.stdout


def test_the_whole_journey_runs_through_the_generated_client(
    generated: Path, platform: Platform, tokens: DevTokens
) -> None:
    """Childcare near a GCJ-02 point, a child and a place; graduate, fair, pre-screen and
    apply; the circle, an elder's class, care and renovation; the view, districts, every
    stats — all answered with the generated models (see generated_journey.py)."""
    journey = importlib.import_module("tests.e2e.generated_journey")
    sub = "citizen-generated"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    journey.run(platform.gateway, tokens.token(sub, "citizen"), sub, today)


def test_public_operations_answer_the_generated_anonymous_client(
    generated: Path, platform: Platform
) -> None:
    """Public operations inherit the document's `[{}, {bearer}]` (a token is optional), so the
    generator types their `client` as `AuthenticatedClient | Client` and the anonymous `Client`
    gets the typed answers; a personal read is typed for `AuthenticatedClient` alone, and called
    anonymously anyway it gets the typed `401` problem."""
    client_module = importlib.import_module(f"{PACKAGE}.client")
    models = importlib.import_module(f"{PACKAGE}.models")

    def op(tag: str, name: str) -> Any:
        return importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")

    facilities = "eldercare_facilities_and_the_15_minute_circle"
    with client_module.Client(base_url=platform.gateway, timeout=None) as anonymous:
        calls = [
            (op("childcare", "childcare_list_institutions"), {}, models.PageInstitutionRead),
            (
                op("childcare_statistics_and_plans", "childcare_get_stats"),
                {},
                models.ChildcareStats,
            ),
            (op("jobs", "jobs_list_fairs"), {}, models.PageFairRead),
            (op("jobs", "jobs_get_stats"), {}, models.JobsStats),
            (op("jobs", "jobs_get_retention"), {}, models.RetentionProgress),
            (op(facilities, "eldercare_list_communities"), {}, models.PageCommunityRead),
            (op(facilities, "eldercare_get_stats"), {}, models.EldercareStats),
            (op("wellbeing", "wellbeing_list_districts"), {}, models.DistrictList),
            (
                op("wellbeing", "wellbeing_get_district"),
                {"district": "saihan"},
                models.DistrictIndicators,
            ),
        ]
        for module, arguments, model in calls:
            assert _client_types(module) == {"AuthenticatedClient", "Client"}, module.__name__
            answer = module.sync(client=anonymous, **arguments)
            assert isinstance(answer, model), (module.__name__, answer)
        personal = op("wellbeing", "wellbeing_get_citizen_view")
        assert _client_types(personal) == {"AuthenticatedClient"}
        refused = personal.sync(client=anonymous)
    assert isinstance(refused, models.Problem), refused
    assert (refused.status, refused.code) == (401, "unauthenticated")


def _client_types(module: Any) -> set[str]:
    """The classes the generated `sync` of an operation accepts as its `client`."""
    hint = typing.get_type_hints(module.sync)["client"]
    return {t.__name__ for t in typing.get_args(hint) or (hint,)}
