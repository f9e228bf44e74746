"""`wellbeing migrate --revision` over the demo data, as an operator runs it (a subprocess per
call): each service one step down and back up keeping its rows, relative and named targets,
refusals that touch nothing, lossy downgrades only when acknowledged, clear one-line errors."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from alembic import command

from common.migrations import alembic_config
from common.provisioning import ProvisionedDatabase, asyncpg_dsn, scratch_database
from common.registry import SERVICE_NAMES
from tests.fixtures.cli import run

pytestmark = pytest.mark.server

# per service: a table whose first row is read before and after, and the columns of that row
# the step down drops (derived from the others, or said to be lost)
ROW_READ = {
    "childcare": ("institution", {"public_lat", "public_lon", "earth_loc"}),
    "jobs": ("graduate", {"updated_at"}),
    "eldercare": ("community", set()),
}


def _env(urls: dict[str, str]) -> dict[str, str]:
    return {f"{s.upper()}_DATABASE_URL": u for s, u in urls.items()}


async def _query(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def query(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    return asyncio.run(_query(url, sql, *args))


def version(urls: dict[str, str], service: str) -> str | None:
    rows = query(urls[service], f"SELECT version_num FROM {service}.alembic_version")
    return rows[0]["version_num"] if rows else None


def counts(urls: dict[str, str], service: str) -> dict[str, int]:
    tables = query(
        urls[service],
        "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'alembic_version'",
        service,
    )
    return {
        t["tablename"]: query(urls[service], f'SELECT count(*) FROM {service}."{t["tablename"]}"')[
            0
        ][0]
        for t in tables
    }


def first_row(urls: dict[str, str], service: str) -> dict[str, Any]:
    table, dropped = ROW_READ[service]
    row = query(urls[service], f"SELECT * FROM {service}.{table} ORDER BY id LIMIT 1")[0]
    return {k: v for k, v in dict(row).items() if k not in dropped}


@pytest.fixture(scope="module")
def demo(db: ProvisionedDatabase) -> Iterator[dict[str, str]]:
    """A database migrated and seeded with the demo data through the CLI."""
    with scratch_database(db.admin_url, migrated=False) as urls:
        migrated = run("migrate", env=_env(urls))
        assert migrated.returncode == 0, migrated.stderr
        seeded = run("seed", "--demo", env=_env(urls))
        assert seeded.returncode == 0, seeded.stderr
        yield urls


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_one_step_down_and_back_up_keeps_the_demo_data(demo: dict[str, str], service: str) -> None:
    before, row = counts(demo, service), first_row(demo, service)
    assert before[ROW_READ[service][0]] > 0 and sum(before.values()) > 100
    flags = ["--allow-data-loss"] if service == "jobs" else []

    down = run("migrate", service, "--revision", "-1", *flags, env=_env(demo))

    assert down.returncode == 0, down.stderr
    assert down.stdout == f"{service}: 0003 → 0002 (downgraded)\n"
    assert version(demo, service) == "0002"
    assert counts(demo, service) == before
    assert first_row(demo, service) == row
    others = [s for s in SERVICE_NAMES if s != service]
    assert all(version(demo, s) == "0003" for s in others)  # the SERVICE argument is respected

    up = run("migrate", service, "--revision", "+1", env=_env(demo))

    assert up.returncode == 0, up.stderr
    assert up.stdout == f"{service}: migrated to head (0002 → 0003)\n"
    assert version(demo, service) == "0003"
    assert counts(demo, service) == before
    assert first_row(demo, service) == row


def test_jobs_step_down_says_what_it_loses_and_needs_consent(demo: dict[str, str]) -> None:
    query(
        demo["jobs"],
        "UPDATE jobs.graduate SET updated_at = registered_at + interval '1 day' "
        "WHERE id = (SELECT min(id) FROM jobs.graduate)",
    )
    refused = run("migrate", "jobs", "--revision", "-1", env=_env(demo))

    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == (
        "wellbeing: nothing migrated: jobs: 0003 → 0002 loses the last-change time of 1 "
        "graduate registration(s) (an upgrade sets it back to their registration time); "
        "give --allow-data-loss to go ahead\n"
    )
    assert "--allow-data-loss" in refused.stderr and "Traceback" not in refused.stderr
    assert version(demo, "jobs") == "0003"

    down = run("migrate", "jobs", "--revision", "0002", "--allow-data-loss", env=_env(demo))
    assert down.returncode == 0, down.stderr
    assert "data loss accepted: jobs: 0003 → 0002 loses" in down.stderr
    up = run("migrate", "jobs", env=_env(demo))
    assert up.stdout == "jobs: migrated to head (0002 → 0003)\n"
    # what the downgrade dropped comes back as the registration time, as the migration says
    changed = "SELECT count(*) FROM jobs.graduate WHERE updated_at <> registered_at"
    assert query(demo["jobs"], changed)[0][0] == 0


def test_eldercare_step_down_keeps_registrations_of_one_person_apart(
    demo: dict[str, str],
) -> None:
    """0003 keys an elder's registrations `citizen:<sub>`; 0002 keys them `elder:<id>`. A person
    holding a seat under each key (what 0003's upgrade leaves for staff to settle) must not make
    the downgrade collide on the one-active-seat-per-participant index."""
    url = demo["eldercare"]
    elder = query(
        url,
        "SELECT id FROM eldercare.elder e WHERE subject_sub IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM eldercare.activity_registration r WHERE r.elder_id = e.id) "
        "ORDER BY id LIMIT 1",
    )[0]
    query(url, "UPDATE eldercare.elder SET subject_sub = 'citizen-mig' WHERE id = $1", elder["id"])
    activity = query(url, "SELECT id FROM eldercare.activity ORDER BY id LIMIT 1")[0]["id"]
    insert = (
        "INSERT INTO eldercare.activity_registration (activity_id, registrant_sub, elder_id, "
        "participant, status, registered_at, status_changed_at) "
        "VALUES ($1, 'citizen-mig', $2, $3, 'waitlisted', now(), now()) RETURNING id"
    )
    old_key = query(url, insert, activity, elder["id"], f"elder:{elder['id']}")[0]["id"]
    new_key = query(url, insert, activity, elder["id"], "citizen:citizen-mig")[0]["id"]
    keys = (
        "SELECT id, participant FROM eldercare.activity_registration WHERE id = ANY($1) ORDER BY id"
    )
    try:
        down = run("migrate", "eldercare", "--revision", "-1", env=_env(demo))
        assert down.returncode == 0, down.stderr
        assert [tuple(r) for r in query(url, keys, [old_key, new_key])] == [
            (old_key, f"elder:{elder['id']}"),
            (new_key, "citizen:citizen-mig"),  # kept: its elder key is taken
        ]
        up = run("migrate", "eldercare", env=_env(demo))
        assert up.returncode == 0, up.stderr
        assert version(demo, "eldercare") == "0003"
    finally:
        query(
            url,
            "DELETE FROM eldercare.activity_registration WHERE id = ANY($1)",
            [old_key, new_key],
        )
        query(url, "UPDATE eldercare.elder SET subject_sub = NULL WHERE id = $1", elder["id"])


def test_childcare_refuses_below_0003_when_guardians_share_an_id_and_touches_nothing(
    demo: dict[str, str],
) -> None:
    url = demo["childcare"]
    # two parents each register the same child, national ID and all: allowed since 0003
    insert = (
        "INSERT INTO childcare.child (guardian_sub, name, birth_date, id_number_hash, "
        "id_number_masked) VALUES ($1, '迁移童', '2025-01-01', $2, '150102********0011') "
        "RETURNING id"
    )
    twins = [query(url, insert, parent, "ab" * 32)[0]["id"] for parent in ("mum-m", "dad-m")]
    try:
        for flags in ([], ["--allow-data-loss"]):
            out = run("migrate", "--revision", "-1", *flags, env=_env(demo))

            assert out.returncode == 1 and out.stdout == "", out.stdout
            assert "Traceback" not in out.stderr
            assert (
                "nothing migrated: childcare: 0003 → 0002 refused: 1 national ID(s) are each held "
                "by more than one guardian" in out.stderr
            )
            # refused up front: no service moved, though childcare is not the only one asked
            assert [version(demo, s) for s in SERVICE_NAMES] == ["0003"] * 3
        # a plain `alembic downgrade` meets the same refusal, in its transaction
        with pytest.raises(RuntimeError, match="held by more than one guardian"):
            command.downgrade(alembic_config("childcare", url), "-1")
        assert version(demo, "childcare") == "0003"
    finally:
        query(url, "DELETE FROM childcare.child WHERE id = ANY($1)", twins)


def test_childcare_step_down_turns_ineligible_withdrawn_only_when_told(
    demo: dict[str, str],
) -> None:
    url = demo["childcare"]
    waiting = query(
        url, "SELECT id FROM childcare.enrollment WHERE status = 'waitlisted' ORDER BY id LIMIT 1"
    )[0]["id"]
    status = "SELECT status FROM childcare.enrollment WHERE id = $1"
    query(url, "UPDATE childcare.enrollment SET status = 'ineligible' WHERE id = $1", waiting)
    try:
        refused = run("migrate", "childcare", "--revision", "-1", env=_env(demo))
        assert refused.returncode == 1 and version(demo, "childcare") == "0003"
        assert (
            "childcare: 0003 → 0002 loses the ineligible status of 1 enrollment(s) "
            "(0002 makes them withdrawn)" in refused.stderr
        )
        assert query(url, status, waiting)[0][0] == "ineligible"

        down = run("migrate", "childcare", "--revision", "-1", "--allow-data-loss", env=_env(demo))
        assert down.returncode == 0 and down.stdout == "childcare: 0003 → 0002 (downgraded)\n"
        assert query(url, status, waiting)[0][0] == "withdrawn"
    finally:
        assert run("migrate", "childcare", env=_env(demo)).returncode == 0
        query(url, "UPDATE childcare.enrollment SET status = 'waitlisted' WHERE id = $1", waiting)


@pytest.mark.parametrize(
    ("revision", "message"),
    [
        ("-9", "childcare: cannot move -9 from 0003: 3 step(s) down to base"),
        ("+1", "childcare: cannot move +1 from 0003: 0 step(s) up to head"),
        ("0042", "childcare: no revision '0042'; use head, base, +N, -N or one of 0001, 0002"),
        ("sideways", "childcare: no revision 'sideways'"),
    ],
)
def test_a_bad_target_is_one_line_and_exit_2(
    demo: dict[str, str], revision: str, message: str
) -> None:
    out = run("migrate", "childcare", "--revision", revision, env=_env(demo))

    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith(f"wellbeing: {message}") and out.stderr.count("\n") == 1
    assert version(demo, "childcare") == "0003"


def test_an_unreachable_database_is_exit_1_with_the_reason_and_no_password() -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://childcare_svc:s3cret-pw@127.0.0.1:{port}/wellbeing"

    out = run("migrate", "childcare", "--revision", "-1", env={"CHILDCARE_DATABASE_URL": url})

    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith("wellbeing: childcare: cannot read the database: ")
    assert "Connect call failed" in out.stderr or "refused" in out.stderr.lower()
    assert "s3cret-pw" not in out.stderr and "Traceback" not in out.stderr


def test_eldercare_down_to_0001_is_lossy_refused_without_consent_then_keeps_facilities(
    demo: dict[str, str],
) -> None:
    """Last: it drops eldercare's demo people and activities (as the migration says it does)."""
    facilities = "SELECT id, name, district, lat, lon FROM eldercare.facility ORDER BY id"
    kept = query(demo["eldercare"], facilities)

    refused = run("migrate", "eldercare", "--revision", "-2", env=_env(demo))

    assert refused.returncode == 1 and version(demo, "eldercare") == "0003"
    assert "eldercare: 0002 → 0001 loses" in refused.stderr
    assert "the programmes and centres of" in refused.stderr and " elder, " in refused.stderr

    down = run("migrate", "eldercare", "--revision", "0001", "--allow-data-loss", env=_env(demo))
    assert down.returncode == 0, down.stderr
    assert down.stdout == "eldercare: 0003 → 0001 (downgraded)\n"
    assert query(demo["eldercare"], facilities) == kept
    up = run("migrate", "eldercare", env=_env(demo))
    assert up.stdout == "eldercare: migrated to head (0001 → 0003)\n"
    assert query(demo["eldercare"], facilities) == kept
    assert query(demo["eldercare"], "SELECT count(*) FROM eldercare.elder")[0][0] == 0
