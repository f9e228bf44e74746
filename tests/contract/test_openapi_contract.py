"""Property-based tests of every OpenAPI operation of every service (schemathesis).

Each service runs as a real uvicorn process on its own scratch database; generated requests
(anonymous and with a citizen token) must never produce a server error, an undocumented status,
a wrong content type or a body outside the schema.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.migrations import ROOT
from common.provisioning import ProvisionedDatabase, scratch_database
from common.registry import SERVICE_NAMES as SERVICES
from tests.fixtures.processes import served
from tests.fixtures.tokens import DevTokens

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    # valid data per the spec passes validation (tests/contract/hooks.py); a route that needs
    # a token refuses a request without one
    "positive_data_passes_validation",
    "ignored_auth",
]


@pytest.fixture(scope="module")
def scratch(db: ProvisionedDatabase) -> Iterator[dict[str, str]]:
    with scratch_database(db.admin_url) as urls:
        yield urls


def test_every_registered_service_has_an_app_factory() -> None:
    """Every service of the registry is covered below: one without `main.py` fails here, it is
    never silently left out of the contract run."""
    missing = [s for s in SERVICES if not (ROOT / "services" / s / "main.py").is_file()]
    assert missing == []


@pytest.fixture(scope="module", params=SERVICES)
def service_base(
    request: pytest.FixtureRequest, scratch: dict[str, str], tokens: DevTokens
) -> Iterator[tuple[str, str]]:
    service: str = request.param
    env = {
        "DATABASE_URL": scratch[service],
        "ENVIRONMENT": "development",
        "DEV_KEY_FILE": str(tokens.public_key),
        "LOG_LEVEL": "WARNING",
    }
    with served(f"services.{service}.main:create_app", env) as base:
        yield service, base


def _schemathesis(base: str, extra: list[str]) -> subprocess.CompletedProcess[str]:
    cli = Path(sys.executable).with_name("schemathesis")
    return subprocess.run(
        [
            str(cli),
            "run",
            f"{base}/openapi.json",
            "--checks",
            ",".join(CHECKS),
            "--max-examples",
            "25",
            "--seed",
            "20230606",
            "--workers",
            "1",
            "--warnings",
            "off",
            "--suppress-health-check",
            "all",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.contract.hooks"},
    )


def test_every_operation_conforms_anonymously(service_base: tuple[str, str]) -> None:
    _, base = service_base
    run = _schemathesis(base, [])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_every_operation_conforms_for_a_citizen(
    service_base: tuple[str, str], tokens: DevTokens
) -> None:
    service, base = service_base
    token = tokens.token(f"contract-{service}", "citizen")
    run = _schemathesis(base, ["--header", f"Authorization: Bearer {token}"])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_every_operation_conforms_for_staff(
    service_base: tuple[str, str], tokens: DevTokens
) -> None:
    service, base = service_base
    token = tokens.token(f"contract-staff-{service}", f"{service}_staff")
    run = _schemathesis(base, ["--header", f"Authorization: Bearer {token}"])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
