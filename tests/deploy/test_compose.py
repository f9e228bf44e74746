"""docker-compose.yml: valid against the compose spec and wired the way DESIGN §7 says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.deploy.support import COMPOSE_FILE, PROCESSES, SERVICES, load_compose, run_tool, tool

INTERPOLATION = re.compile(r"^\$\{[A-Z0-9_]+(:[-?][^}]*)?\}$")
# user, a password that is only an interpolated variable, host and database
ROLE_URL = re.compile(
    r"^postgresql://(?P<user>[a-z_]+):(?P<password>\$\{[^}]+\})@(?P<host>[a-z]+):5432/(?P<db>\w+)$"
)


def role_url(url: str) -> re.Match[str]:
    match = ROLE_URL.match(url)
    assert match, f"{url!r} is not postgresql://ROLE:${{VAR}}@HOST:5432/DB"
    assert INTERPOLATION.match(match["password"])
    return match


def check_compose(path: Path) -> tuple[int, str]:
    result = run_tool(
        tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path)
    )
    return result.returncode, result.stdout + result.stderr


def test_compose_file_passes_the_compose_spec_schema() -> None:
    code, output = check_compose(COMPOSE_FILE)
    assert code == 0, output
    assert "ok" in output


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["services"]["childcare"]["depends_on"]["migrate"].update(
            condition="service_finished"
        ),
        lambda d: d["services"]["gateway"].update(publish=["8000:8000"]),
    ],
    ids=["bad-depends-on-condition", "unknown-key"],
)
def test_schema_check_rejects_a_broken_compose_file(tmp_path: Path, breakage: object) -> None:
    data = load_compose()
    assert callable(breakage)
    breakage(data)
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, output = check_compose(broken)
    assert code != 0, output


def test_top_level_name_and_expected_services() -> None:
    data = load_compose()
    assert data["name"] == "hohhot-wellbeing"
    assert {"db", "migrate", *PROCESSES} <= set(data["services"])


def test_only_the_gateway_publishes_a_port() -> None:
    services = load_compose()["services"]
    publishing = {name for name, svc in services.items() if svc.get("ports")}
    assert publishing == {"gateway"}
    assert [str(p).rsplit(":", 1)[-1] for p in services["gateway"]["ports"]] == ["8000"]


def test_database_has_a_pg_isready_healthcheck_and_a_volume() -> None:
    db = load_compose()["services"]["db"]
    assert re.match(r"postgres:1[56]", db["image"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in db["volumes"])


def test_migrate_is_a_one_shot_step_after_a_healthy_database() -> None:
    migrate = load_compose()["services"]["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    # it serves nothing: the image's HEALTHCHECK would show it `unhealthy` after exiting 0
    assert migrate["healthcheck"] == {"disable": True}
    script = " ".join(migrate["command"])
    steps = [s.strip() for s in script.split("&&")]
    assert steps[:2] == ["wellbeing bootstrap", "wellbeing migrate"]
    # the demo only on request (compose's `$$` is the shell's `$`)
    assert steps[2:] == ['{ [ "$$SEED_DEMO" != true ] || wellbeing seed --demo; }']
    assert migrate["environment"]["SEED_DEMO"] == "${SEED_DEMO:-false}"


def test_only_the_migrate_step_holds_the_superuser_url() -> None:
    services = load_compose()["services"]
    for name, svc in services.items():
        env = svc.get("environment") or {}
        superuser = {
            key
            for key, value in env.items()
            if key == "ADMIN_DATABASE_URL" or "postgresql://postgres:" in str(value)
        }
        assert superuser == ({"ADMIN_DATABASE_URL"} if name == "migrate" else set()), name
        if name not in {"db", "migrate"}:
            assert not any("POSTGRES_PASSWORD" in str(v) for v in env.values()), name


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_connects_as_its_own_role(service: str) -> None:
    env = load_compose()["services"][service]["environment"]
    # the password is interpolated from the environment, never written down
    url = role_url(env["DATABASE_URL"])
    assert url["user"] == f"{service}_svc"
    assert url["host"] == "db"
    assert url["db"] == "wellbeing"


def test_migrate_knows_every_service_role_url() -> None:
    env = load_compose()["services"]["migrate"]["environment"]
    assert role_url(env["ADMIN_DATABASE_URL"])["user"] == "postgres"
    for service in SERVICES:
        assert role_url(env[f"{service.upper()}_DATABASE_URL"])["user"] == f"{service}_svc"
        assert INTERPOLATION.match(env[f"{service.upper()}_DB_PASSWORD"])


@pytest.mark.parametrize("process", PROCESSES)
def test_every_app_waits_for_migrations_and_stops_gracefully(process: str) -> None:
    svc = load_compose()["services"][process]
    assert svc["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    if process != "gateway":  # a service's readiness is its database: wait for it too
        assert svc["depends_on"]["db"]["condition"] == "service_healthy"
    assert svc["stop_grace_period"] == "30s"
    assert svc["healthcheck"]["test"][0] == "CMD"
    assert svc.get("read_only") is True
    assert svc["cap_drop"] == ["ALL"]


def test_gateway_starts_after_the_services_are_healthy() -> None:
    services = load_compose()["services"]
    depends = services["gateway"]["depends_on"]
    for service in SERVICES:
        assert depends[service]["condition"] == "service_healthy"
    env = services["gateway"]["environment"]
    assert env["CHILDCARE_URL"] == "http://childcare:8000"
    assert env["JOBS_URL"] == "http://jobs:8000"
    assert env["ELDERCARE_URL"] == "http://eldercare:8000"
    assert env["REDIS_URL"].startswith("redis://redis:")


def test_no_secret_value_is_committed() -> None:
    secret_names = ("PASSWORD", "ID_HASH_KEY", "CURSOR_KEY")
    for name, svc in load_compose()["services"].items():
        for key, value in (svc.get("environment") or {}).items():
            if any(s in key for s in secret_names):
                assert INTERPOLATION.match(str(value)), f"{name}.{key} is written in the file"
