"""docker-compose.yml's own commands and environments, run for real on this machine's PostgreSQL.

No Docker here, so the host `db` becomes the suite's server and each `${VAR}` a test value; the
variable names, the URLs' roles and passwords, the `migrate` script and the `serve` commands are
the file's own. This catches what the static checks cannot: the file setting a variable the CLI
does not read (or a password that does not match its role's URL).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from common.migrations import head_revision
from common.provisioning import ProvisionedDatabase, asyncpg_dsn, with_database
from tests.deploy.support import BIN, SERVICES, load_compose
from tests.fixtures.processes import free_port

# test values for the variables the compose file interpolates (URL-safe, as .env.example asks)
VALUES = {
    "POSTGRES_PASSWORD": "pw-postgres",
    "CHILDCARE_DB_PASSWORD": "pw-childcare-4f2a",
    "JOBS_DB_PASSWORD": "pw-jobs-9c1e",
    "ELDERCARE_DB_PASSWORD": "pw-eldercare-77b0",
    "ID_HASH_KEY": "compose-run-id-hash-key",
    "CURSOR_KEY": "compose-run-cursor-key",
}
VARIABLE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: object, shell: dict[str, str] | None = None) -> str:
    values = {**VALUES, **(shell or {})}

    def one(match: re.Match[str]) -> str:
        if match["name"] in values:
            return values[match["name"]]
        assert match["op"] == ":-", f"${{{match['name']}}} is required but has no test value"
        return match["arg"] or ""

    # `$$` is compose's escape for a `$` the container's shell reads
    return VARIABLE.sub(one, str(value)).replace("$$", "$")


def on_test_server(url: str, db: ProvisionedDatabase, database: str) -> str:
    """postgresql://ROLE:PASSWORD@db:5432/wellbeing -> ROLE:PASSWORD on the suite's server."""
    parts = urlsplit(url)
    assert parts.hostname == "db" and parts.path == "/wellbeing", url
    server = urlsplit(with_database(db.admin_url, database))
    where = server.netloc.split("@", 1)[-1]
    return server._replace(netloc=f"{parts.username}:{parts.password}@{where}").geturl()


def environment(
    service: str, db: ProvisionedDatabase, database: str, **shell: str
) -> dict[str, str]:
    """The service's compose environment, `${VAR}`s taken from `shell` first (as compose does
    from the caller's shell), then from the test values."""
    compose_env: dict[str, Any] = load_compose()["services"][service]["environment"]
    env = {k: v for k, v in os.environ.items() if k not in compose_env and k != "DEV_KEY_FILE"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    for key, raw in compose_env.items():
        value = interpolate(raw, shell)
        if key == "ADMIN_DATABASE_URL":
            # the superuser stays the suite server's own (its password is not ours to know)
            assert urlsplit(value).username == "postgres"
            value = with_database(db.admin_url, database)
        elif key.endswith("DATABASE_URL"):
            value = on_test_server(value, db, database)
        env[key] = value
    return env


def scram_matches(stored: str | None, password: str) -> bool:
    """Whether PostgreSQL's SCRAM-SHA-256 verifier was made from `password` (RFC 5802/7677)."""
    if not stored or not stored.startswith("SCRAM-SHA-256$"):
        return False
    iterations, salt, keys = re.split(r"[$:]", stored.split("$", 1)[1], maxsplit=2)
    stored_key = keys.split(":", 1)[0]
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return hmac.compare_digest(hashlib.sha256(client_key).digest(), base64.b64decode(stored_key))


async def _fetch(url: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


@pytest.fixture
def database(db: ProvisionedDatabase) -> Iterator[str]:
    """A database name that does not exist yet; dropped (and role passwords unset) afterwards."""
    name = f"wb_compose_{uuid.uuid4().hex[:8]}"
    yield name
    asyncio.run(_fetch(db.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    # roles are cluster-wide: leave them as the suite's bootstrap made them (no password)
    for service in SERVICES:
        asyncio.run(_fetch(db.admin_url, f'ALTER ROLE "{service}_svc" PASSWORD NULL'))


def run_migrate_step(
    db: ProvisionedDatabase, database: str, **shell: str
) -> subprocess.CompletedProcess[str]:
    migrate = load_compose()["services"]["migrate"]
    argv = [*migrate["entrypoint"], *(interpolate(a, shell) for a in migrate["command"])]
    return subprocess.run(
        argv,
        env=environment("migrate", db, database, **shell),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def wait_ready(proc: subprocess.Popen[bytes], port: int) -> httpx.Response | None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            reply = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
            if reply.status_code == 200:
                return reply
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return None


def test_compose_migrate_step_then_services_in_production_mode(
    db: ProvisionedDatabase, database: str, tmp_path: Path
) -> None:
    first = run_migrate_step(db, database)
    assert first.returncode == 0, first.stdout + first.stderr
    admin = with_database(db.admin_url, database)
    institutions = "SELECT count(*) AS n FROM childcare.institution"
    # a production start loads no invented data
    assert asyncio.run(_fetch(admin, institutions))[0]["n"] == 0
    # `docker compose up` runs it on every start; a trial asks for the demo with SEED_DEMO
    trial = run_migrate_step(db, database, SEED_DEMO="true")
    assert trial.returncode == 0, trial.stdout + trial.stderr
    again = run_migrate_step(db, database, SEED_DEMO="true")
    assert again.returncode == 0, again.stdout + again.stderr

    assert f"bootstrapped database {database}" in first.stdout
    assert "demo data" not in first.stdout and "seeded" not in first.stdout
    for service in SERVICES:
        assert f"{service}: migrated to head" in first.stdout
        assert f"{service}: demo data inserted" not in again.stdout
    assert "childcare: demo data inserted" in trial.stdout
    assert "childcare: already seeded" in again.stdout
    output = "".join(r.stdout + r.stderr for r in (first, trial, again))
    assert not any(secret in output for secret in VALUES.values())

    # each role's password is the one in the URL its service connects with (a server with
    # trust authentication would not notice a mismatch, so compare the stored verifier)
    stored = asyncio.run(
        _fetch(admin, "SELECT rolname, rolpassword FROM pg_authid WHERE rolname LIKE '%\\_svc'")
    )
    verifiers = {r["rolname"]: r["rolpassword"] for r in stored}
    for service in SERVICES:
        url = urlsplit(environment(service, db, database)["DATABASE_URL"])
        assert url.username == f"{service}_svc"
        assert url.password is not None
        assert scram_matches(verifiers.get(url.username), url.password), service

    # each schema is owned by its service's role and migrated to head, as that role
    owners = asyncio.run(
        _fetch(
            admin,
            "SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace "
            "WHERE nspname IN ('childcare', 'jobs', 'eldercare')",
        )
    )
    assert {r["nspname"]: r["owner"] for r in owners} == {s: f"{s}_svc" for s in SERVICES}
    for service in SERVICES:
        (version,) = asyncio.run(
            _fetch(admin, f"SELECT version_num FROM {service}.alembic_version")
        )
        assert version["version_num"] == head_revision(service)
    (seeded,) = asyncio.run(_fetch(admin, institutions))
    assert seeded["n"] > 0

    # the three services start with their compose environment (production mode, own role)
    procs: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    wellbeing = shutil.which("wellbeing", path=str(BIN))
    assert wellbeing is not None
    try:
        for service in SERVICES:
            command = [str(a) for a in load_compose()["services"][service]["command"]]
            assert command == ["serve", service]
            port = free_port()  # options win over the HOST and PORT of the environment
            command += ["--host", "127.0.0.1", "--port", str(port)]
            with (tmp_path / f"{service}.log").open("wb") as log:
                procs[service] = (
                    subprocess.Popen(
                        [wellbeing, *command],
                        env=environment(service, db, database),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    ),
                    port,
                )
        for service, (proc, port) in procs.items():
            ready = wait_ready(proc, port)
            assert ready is not None, (tmp_path / f"{service}.log").read_text()
            assert ready.json()["checks"] == {"database": "ok", "migrations": "ok"}
        listed = httpx.get(
            f"http://127.0.0.1:{procs['childcare'][1]}/childcare/v1/institutions?limit=2"
        )
        assert listed.status_code == 200 and len(listed.json()["items"]) == 2
    finally:
        for proc, _ in procs.values():
            proc.send_signal(signal.SIGTERM)
        codes = {s: p.wait(30) for s, (p, _) in procs.items()}
    assert codes == dict.fromkeys(SERVICES, 0)
