"""The `wellbeing` command as a user runs it: a real subprocess per call."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from common.auth import ensure_dev_keys
from common.provisioning import ProvisionedDatabase, asyncpg_dsn, scratch_database
from tests.fixtures.cli import BAD, GOOD, HEADER, run


def test_token_prints_one_verifiable_jwt(tmp_path: Path) -> None:
    _, public = ensure_dev_keys(tmp_path)

    out = run(
        "token",
        "--sub",
        "citizen-7",
        "--role",
        "citizen",
        "--role",
        "admin",
        "--data-dir",
        str(tmp_path),
    )

    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 1
    key = serialization.load_pem_public_key(public.read_bytes())
    claims = jwt.decode(lines[0], key, algorithms=["ES256"], audience="hohhot-wellbeing")  # type: ignore[arg-type]
    assert claims["sub"] == "citizen-7" and claims["roles"] == ["citizen", "admin"]


def test_token_without_a_key_or_with_a_bad_role_fails_clearly(tmp_path: Path) -> None:
    missing = run("token", "--sub", "x", "--role", "citizen", "--data-dir", str(tmp_path))
    ensure_dev_keys(tmp_path)
    bad_role = run("token", "--sub", "x", "--role", "emperor", "--data-dir", str(tmp_path))

    assert missing.returncode == 2 and missing.stdout == "" and "wellbeing up" in missing.stderr
    assert bad_role.returncode == 2 and "emperor" in bad_role.stderr


@pytest.fixture(scope="module")
def blank(db: ProvisionedDatabase) -> Iterator[dict[str, str]]:
    with scratch_database(db.admin_url, migrated=False) as urls:
        yield urls


def _env(urls: dict[str, str]) -> dict[str, str]:
    return {f"{s.upper()}_DATABASE_URL": u for s, u in urls.items()}


async def _count(url: str, sql: str) -> int:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


def test_migrate_then_seed_once(blank: dict[str, str]) -> None:
    migrated = run("migrate", env=_env(blank))
    production = {**_env(blank), "ENVIRONMENT": "production"}
    refused = run("seed", env=production)
    first = run("seed", "--demo", env=production)
    second = run("seed", "childcare", env={**_env(blank), "ENVIRONMENT": "development"})

    assert migrated.returncode == 0, migrated.stderr
    assert "childcare: migrated to head" in migrated.stdout
    # production never gets the invented demo data by accident: nothing was inserted
    assert refused.returncode == 2 and refused.stdout == ""
    assert "refusing to load the invented demo data" in refused.stderr
    assert "--demo" in refused.stderr
    assert first.returncode == 0, first.stderr
    assert "childcare: demo data inserted" in first.stdout
    assert second.stdout.strip() == "childcare: already seeded"
    assert (
        asyncio.run(_count(blank["childcare"], "SELECT count(*) FROM childcare.institution")) == 126
    )
    assert asyncio.run(_count(blank["jobs"], "SELECT count(*) FROM jobs.station")) >= 140


def test_import_reports_each_row_and_is_idempotent(blank: dict[str, str], tmp_path: Path) -> None:
    run("migrate", "childcare", env=_env(blank))
    file = tmp_path / "institutions.csv"
    file.write_text(HEADER + GOOD[0] + BAD[0] + GOOD[1] + BAD[1], encoding="utf-8")

    first = run("import", "childcare", "institutions", str(file), env=_env(blank))
    renamed = tmp_path / "batch-2023.csv"
    renamed.write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    again = run("import", "childcare", str(renamed), env=_env(blank))

    assert first.returncode == 1, first.stderr
    report = json.loads(first.stdout)
    assert (report["accepted"], report["updated"], report["unchanged"]) == (2, 0, 0)
    assert [r["row"] for r in report["rejected"]] == [2, 4]
    assert "district" in report["rejected"][0]["reason"]
    assert "min_age_months" in report["rejected"][1]["reason"]
    second = json.loads(again.stdout)
    assert (second["accepted"], second["unchanged"]) == (0, 2)
    count = "SELECT count(*) FROM childcare.institution WHERE name LIKE '导入%'"
    assert asyncio.run(_count(blank["childcare"], count)) == 2

    clean = tmp_path / "clean.csv"
    clean.write_text(HEADER + GOOD[0].replace(",40,", ",45,"), encoding="utf-8")
    updated = run("import", "childcare", "institutions", str(clean), env=_env(blank))
    assert updated.returncode == 0 and json.loads(updated.stdout)["updated"] == 1


def test_import_usage_errors_exit_2(blank: dict[str, str], tmp_path: Path) -> None:
    file = tmp_path / "x.csv"
    file.write_text(HEADER, encoding="utf-8")

    no_importer = run("import", "eldercare", "facilities", str(file), env=_env(blank))
    wrong_kind = run("import", "childcare", "children", str(file), env=_env(blank))
    jobs_kind = run("import", "jobs", "stations", str(file), env=_env(blank))
    no_file = run(
        "import", "childcare", "institutions", str(tmp_path / "nope.csv"), env=_env(blank)
    )

    assert no_importer.returncode == 2 and "no importer" in no_importer.stderr
    assert wrong_kind.returncode == 2 and "children" in wrong_kind.stderr
    assert jobs_kind.returncode == 2 and "postings" in jobs_kind.stderr
    assert no_file.returncode == 2


def test_serve_refuses_two_sources_of_token_keys_in_one_clear_line(tmp_path: Path) -> None:
    _, public = ensure_dev_keys(tmp_path)
    pem = public.read_text()
    env = {
        "ENVIRONMENT": "production",
        "ID_HASH_KEY": "serve-test-id-hash-key",
        "CURSOR_KEY": "serve-test-cursor-key",
        "JWT_JWKS_URL": "https://id.example.gov.cn/.well-known/jwks.json",
        "JWT_PUBLIC_KEY": pem,
    }
    for process in ("childcare", "gateway"):
        out = run("serve", process, "--port", "1", env=env)

        assert out.returncode == 2, out.stderr
        (line,) = out.stderr.splitlines()
        assert "JWT_JWKS_URL and JWT_PUBLIC_KEY are both set" in line
        assert "Traceback" not in out.stderr and pem.splitlines()[1] not in out.stderr
