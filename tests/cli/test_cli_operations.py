"""`wellbeing bootstrap`, `serve`, `import --data-dir` and `up`'s refusals, as real subprocesses."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from common.auth import ensure_dev_keys
from common.provisioning import (
    EmbeddedPostgres,
    ProvisionedDatabase,
    asyncpg_dsn,
    bootstrap,
    migrate,
    start_embedded,
    with_database,
)
from tests.fixtures.cli import GOOD, HEADER, WELLBEING, run
from tests.fixtures.processes import free_port


async def _fetch(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def _scram_matches(verifier: str, password: str) -> bool:
    """Checks a PostgreSQL `SCRAM-SHA-256$iter:salt$StoredKey:ServerKey` verifier (RFC 5802)."""
    method, params, keys = verifier.split("$")
    iterations, salt = params.split(":")
    stored_key, _ = keys.split(":")
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    expected = base64.b64encode(hashlib.sha256(client_key).digest()).decode()
    return method == "SCRAM-SHA-256" and hmac.compare_digest(expected, stored_key)


@pytest.fixture
def fresh_database_url(db: ProvisionedDatabase) -> Iterator[str]:
    """A superuser URL naming a database that does not exist yet (dropped afterwards)."""
    name = f"wb_boot_{uuid.uuid4().hex[:8]}"
    yield with_database(db.admin_url, name)
    asyncio.run(_fetch(db.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_bootstrap_creates_database_roles_and_schemas_with_passwords(
    db: ProvisionedDatabase, fresh_database_url: str
) -> None:
    env = {
        "ADMIN_DATABASE_URL": fresh_database_url,
        "CHILDCARE_DB_PASSWORD": "it's-a-secret",  # a quote must survive, not vanish
    }
    try:
        first = run("bootstrap", env=env)
        again = run("bootstrap", env=env)  # safe to repeat (compose runs it on every start)

        assert first.returncode == 0, first.stderr
        assert again.returncode == 0, again.stderr
        assert "childcare_svc" in first.stdout and "it's-a-secret" not in first.stdout
        owners = asyncio.run(
            _fetch(
                fresh_database_url,
                "SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace "
                "WHERE nspname IN ('childcare', 'jobs', 'eldercare') ORDER BY nspname",
            )
        )
        assert [(r["nspname"], r["owner"]) for r in owners] == [
            ("childcare", "childcare_svc"),
            ("eldercare", "eldercare_svc"),
            ("jobs", "jobs_svc"),
        ]
        # the stored SCRAM verifier matches the password as given, quote included
        stored = asyncio.run(
            _fetch(
                fresh_database_url,
                "SELECT rolpassword FROM pg_authid WHERE rolname = $1",
                "childcare_svc",
            )
        )
        assert _scram_matches(stored[0]["rolpassword"], "it's-a-secret")
        assert not _scram_matches(stored[0]["rolpassword"], "its-a-secret")
        extensions = asyncio.run(_fetch(fresh_database_url, "SELECT extname FROM pg_extension"))
        assert {"cube", "earthdistance", "pg_trgm"} <= {r["extname"] for r in extensions}
    finally:
        # roles are cluster-wide: leave them as the suite's bootstrap made them (no password)
        asyncio.run(_fetch(db.admin_url, 'ALTER ROLE "childcare_svc" PASSWORD NULL'))


def test_bootstrap_without_admin_url_is_a_usage_error() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ADMIN_DATABASE_URL"}
    out = subprocess.run(
        [WELLBEING, "bootstrap"], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 2 and "ADMIN_DATABASE_URL" in out.stderr


def test_serve_runs_one_process_until_sigterm(db: ProvisionedDatabase, tmp_path: Path) -> None:
    _, public = ensure_dev_keys(tmp_path)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db.service_urls["childcare"],
        "ENVIRONMENT": "development",
        "DEV_KEY_FILE": str(public),
    }
    with (tmp_path / "serve.log").open("wb") as log:
        proc = subprocess.Popen(
            [WELLBEING, "serve", "childcare", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            ready = None
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            assert ready is not None, (tmp_path / "serve.log").read_text()
            assert ready.status_code == 200 and ready.json()["status"] == "ready"
            listed = httpx.get(f"http://127.0.0.1:{port}/childcare/v1/institutions?limit=1")
            assert listed.status_code == 200 and "items" in listed.json()
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(30)
    log_text = (tmp_path / "serve.log").read_text()
    assert code == 0, log_text
    assert "Application shutdown complete" in log_text  # graceful, not killed


@pytest.fixture(scope="module")
def running_data_dir() -> Iterator[Path]:
    """A data dir whose embedded database is running, bootstrapped and migrated (as `up` does)."""
    with tempfile.TemporaryDirectory(prefix="wellbeing-cli-") as tmp:
        data_dir = Path(tmp)
        pg: EmbeddedPostgres = start_embedded(data_dir / "pgdata")
        try:
            urls = asyncio.run(bootstrap(pg.url(), "wellbeing"))
            migrate("childcare", urls["childcare"])
            yield data_dir
        finally:
            pg.stop()


def test_import_into_the_database_of_a_running_up(running_data_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "institutions.csv"
    file.write_text(HEADER + GOOD[0] + GOOD[1], encoding="utf-8")
    # no DATABASE_URL at all: --data-dir must be enough
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}

    out = subprocess.run(
        [WELLBEING, "import", "childcare", str(file), "--data-dir", str(running_data_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )

    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert (report["kind"], report["accepted"], report["rejected"]) == ("institutions", 2, [])


def test_import_with_a_data_dir_whose_database_is_not_running(tmp_path: Path) -> None:
    file = tmp_path / "institutions.csv"
    file.write_text(HEADER + GOOD[0], encoding="utf-8")

    out = run("import", "childcare", "institutions", str(file), "--data-dir", str(tmp_path))

    assert out.returncode == 2 and out.stdout == ""
    assert "no running database" in out.stderr


def test_up_refuses_a_data_dir_whose_parent_is_missing(tmp_path: Path) -> None:
    out = run("up", "--data-dir", str(tmp_path / "missing" / "data"))

    assert out.returncode == 2 and "must exist" in out.stderr
    assert not (tmp_path / "missing").exists()


def test_import_with_an_unreachable_database_fails_without_echoing_the_url(
    tmp_path: Path,
) -> None:
    file = tmp_path / "institutions.csv"
    file.write_text(HEADER + GOOD[0], encoding="utf-8")
    url = f"postgresql://childcare_svc:s3cret-pw@127.0.0.1:{free_port()}/wellbeing"

    out = run("import", "childcare", str(file), env={"CHILDCARE_DATABASE_URL": url})

    assert out.returncode == 2 and out.stdout == ""
    assert "cannot use the childcare database" in out.stderr
    assert "s3cret-pw" not in out.stderr
