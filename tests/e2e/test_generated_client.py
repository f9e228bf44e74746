"""A mobile team's path: generate a Python client from the gateway's merged OpenAPI with
`openapi-python-client`, then use only that client against the running four processes —
search institutions, register a child, enroll, read the citizen view and the districts."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from common.provisioning import ProvisionedDatabase
from tests.e2e.platform import Platform, four_processes
from tests.fixtures.tokens import DevTokens

pytestmark = pytest.mark.e2e
PACKAGE = "wellbeing_api_client"


@pytest.fixture(scope="module")
def platform(db: ProvisionedDatabase, tokens: DevTokens) -> Iterator[Platform]:
    with four_processes(db, tokens, {}) as running:
        yield running


@pytest.fixture(scope="module")
def generated(platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Generates the client package from the live merged spec; yields its import name."""
    workdir = tmp_path_factory.mktemp("generated")
    spec = httpx.get(f"{platform.gateway}/openapi.json", timeout=10).json()
    (workdir / "openapi.json").write_text(json.dumps(spec, ensure_ascii=False))
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
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
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout
    sys.path.insert(0, str(workdir))
    try:
        yield PACKAGE
    finally:
        sys.path.remove(str(workdir))
        for name in [m for m in sys.modules if m.startswith(PACKAGE)]:
            del sys.modules[name]


def _module(package: str, name: str) -> ModuleType:
    return importlib.import_module(f"{package}.{name}")


def _operation(package: str, tag: str, operation_id: str) -> Any:
    return _module(package, f"api.{tag}.{operation_id}")


def test_a_generated_client_searches_registers_enrolls_and_reads_the_view(
    generated: str, platform: Platform, tokens: DevTokens
) -> None:
    client_module = _module(generated, "client")
    models = _module(generated, "models")
    anonymous = client_module.Client(base_url=platform.gateway, raise_on_unexpected_status=True)
    citizen = client_module.AuthenticatedClient(
        base_url=platform.gateway,
        token=tokens.token("citizen-generated", "citizen"),
        raise_on_unexpected_status=True,
    )
    with anonymous, citizen:
        _journey(generated, models, anonymous, citizen)


def _journey(generated: str, models: ModuleType, anonymous: Any, citizen: Any) -> None:
    search = _operation(generated, "childcare", "list_institutions_childcare_v1_institutions_get")
    page = search.sync(client=anonymous, has_vacancy=True, age_months=17, limit=5)
    assert isinstance(page, models.PageInstitutionRead), page
    assert page.items and all(i.vacancies > 0 for i in page.items)
    institution = page.items[0]
    assert institution.min_age_months <= 17 <= institution.max_age_months

    today = date.today()
    register = _operation(generated, "childcare", "register_child_childcare_v1_children_post")
    child = register.sync(
        client=citizen,
        body=models.ChildCreate(name="生成客户端", birth_date=today - timedelta(days=530)),
        idempotency_key="generated-client-child",
    )
    assert isinstance(child, models.ChildRead), child
    assert child.name == "生成客户端" and child.age_months == 17

    apply = _operation(generated, "childcare", "apply_childcare_v1_enrollments_post")
    enrollment = apply.sync(
        client=citizen,
        body=models.EnrollmentCreate(
            child_id=child.id, institution_id=institution.id, start_date=today + timedelta(days=7)
        ),
    )
    assert isinstance(enrollment, models.EnrollmentRead), enrollment
    assert enrollment.status.value == "enrolled"

    me = _operation(generated, "wellbeing", "me_wellbeing_v1_me_get")
    view = me.sync(client=citizen)
    assert isinstance(view, models.CitizenView), view
    assert view.sub == "citizen-generated"
    assert view.childcare.status.value == "ok"
    assert isinstance(view.childcare.data, models.ChildcareSummary)
    assert [c.name for c in view.childcare.data.children] == ["生成客户端"]
    (mine,) = view.childcare.data.enrollments
    assert (mine.institution_id, mine.status.value) == (institution.id, "enrolled")

    districts = _operation(generated, "wellbeing", "districts_wellbeing_v1_districts_get")
    listing = districts.sync(client=anonymous)
    assert isinstance(listing, models.DistrictList), listing
    assert len(listing.items) == 10
    assert sum(d.childcare.data.slots for d in listing.items) > 0
