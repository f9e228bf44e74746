"""`wellbeing migrate --revision` over the demo data, as an operator runs it (a subprocess per
call): each service one step down and back up keeping its rows, relative and named targets,
refusals that touch nothing, lossy downgrades only when acknowledged, clear one-line errors.

Head-agnostic: the head and the revision below it come from each service's Alembic script
directory, so a new revision on top changes no test here; the tests of one revision's losses or
refusals first move the service to that revision by name (and back to head after)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
import pytest
from alembic import command
from alembic.script import ScriptDirectory

from common.migrations import alembic_config, head_revision
from common.provisioning import ProvisionedDatabase, asyncpg_dsn, scratch_database
from common.registry import SERVICE_NAMES
from tests.fixtures.cli import run

pytestmark = pytest.mark.server

# per service: a table whose first row is read before and after a step
ROW_READ = {"childcare": "institution", "jobs": "graduate", "eldercare": "community"}


def _history(service: str) -> list[str]:
    """The service's revisions, first to head (the histories are linear)."""
    scripts = ScriptDirectory.from_config(alembic_config(service))
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]


def _below(service: str, revision: str) -> str:
    below = ScriptDirectory.from_config(alembic_config(service)).get_revision(revision)
    assert below is not None and isinstance(below.down_revision, str)
    return below.down_revision


HISTORY = {s: _history(s) for s in SERVICE_NAMES}
HEAD = {s: str(head_revision(s)) for s in SERVICE_NAMES}
BELOW_HEAD = {s: _below(s, HEAD[s]) for s in SERVICE_NAMES}


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
    table = ROW_READ[service]
    return dict(query(urls[service], f"SELECT * FROM {service}.{table} ORDER BY id LIMIT 1")[0])


def kept(before: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """What of `before` is still there (the tables or columns a step down left in place)."""
    return {k: v for k, v in before.items() if k in now}


@contextmanager
def moved_to(urls: dict[str, str], revision: str, service: str | None) -> Iterator[None]:
    """The service (None: every one) at `revision`, whatever the revisions above it lose; back
    at head after."""
    named = [service] if service else []
    down = run("migrate", *named, "--revision", revision, "--allow-data-loss", env=_env(urls))
    assert down.returncode == 0, down.stderr
    assert all(version(urls, s) == revision for s in named or SERVICE_NAMES)
    try:
        yield
    finally:
        up = run("migrate", *named, env=_env(urls))
        assert up.returncode == 0, up.stderr


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
    head, below = HEAD[service], BELOW_HEAD[service]
    before, row = counts(demo, service), first_row(demo, service)
    assert before[ROW_READ[service]] > 0 and sum(before.values()) > 100

    down = run("migrate", service, "--revision", "-1", env=_env(demo))
    lossy = down.returncode == 1 and f"{service}: {head} → {below} loses" in down.stderr
    if lossy:  # a step that says what it loses moves nothing until told
        assert version(demo, service) == head and counts(demo, service) == before
        down = run("migrate", service, "--revision", "-1", "--allow-data-loss", env=_env(demo))

    assert down.returncode == 0, down.stderr
    assert down.stdout == f"{service}: {head} → {below} (downgraded)\n"
    assert version(demo, service) == below
    # the tables and columns the step leaves keep every row and value
    remaining = counts(demo, service)
    assert remaining == kept(before, remaining)
    now = first_row(demo, service)
    assert now == kept(row, now)
    others = [s for s in SERVICE_NAMES if s != service]
    assert all(version(demo, s) == HEAD[s] for s in others)  # the SERVICE argument is respected

    up = run("migrate", service, "--revision", "+1", env=_env(demo))

    assert up.returncode == 0, up.stderr
    assert up.stdout == f"{service}: migrated to head ({below} → {head})\n"
    assert version(demo, service) == head
    if not lossy:  # a step that declares no loss gives every row and value back
        assert counts(demo, service) == before
        assert first_row(demo, service) == row


def refused_then_done(demo: dict[str, str], service: str, step: str, lost: str) -> None:
    """One step down from `step`'s revision: refused with `lost` named, touching nothing; then
    done when told."""
    above = step.split(" → ")[0]
    refused = run("migrate", service, "--revision", "-1", env=_env(demo))

    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == (
        f"wellbeing: nothing migrated: {service}: {step} loses {lost}; "
        "give --allow-data-loss to go ahead\n"
    )
    assert version(demo, service) == above

    down = run("migrate", service, "--revision", "-1", "--allow-data-loss", env=_env(demo))
    assert down.returncode == 0, down.stderr
    assert f"data loss accepted: {service}: {step} loses {lost}" in down.stderr
    assert down.stdout == f"{service}: {step} (downgraded)\n"


def test_eldercare_0004_step_down_names_the_elders_contact_details_it_drops(
    demo: dict[str, str],
) -> None:
    """An elder's address, phone and emergency contact are personal data the citizen gave:
    dropping them needs consent; weeks the free-text hours give back are no loss, one set by
    hand is."""
    url = demo["eldercare"]
    elders = [r["id"] for r in query(url, "SELECT id FROM eldercare.elder ORDER BY id LIMIT 3")]
    facility = query(url, "SELECT id, weekly_hours FROM eldercare.facility ORDER BY id LIMIT 1")[0]
    with moved_to(demo, "0004", "eldercare"):
        query(
            url, "UPDATE eldercare.elder SET address = '赛罕区迁移路1号' WHERE id = $1", elders[0]
        )
        query(url, "UPDATE eldercare.elder SET phone = '13800000000' WHERE id = $1", elders[1])
        query(
            url,
            "UPDATE eldercare.elder SET emergency_contact_name = '迁移女儿', "
            "emergency_contact_phone = '13900000000' WHERE id = $1",
            elders[2],
        )
        query(
            url,
            "UPDATE eldercare.facility SET weekly_hours = '[[6, 540, 720]]' WHERE id = $1",
            facility["id"],
        )

        refused_then_done(
            demo,
            "eldercare",
            "0004 → 0003",
            "the address, phone or emergency contact of 3 elder(s); the weekly hours of 1 "
            "facility(ies) that their free-text hours do not give back (an upgrade fills the "
            "others again)",
        )
    contacts = "SELECT count(*) FROM eldercare.elder WHERE address IS NOT NULL OR phone IS NOT NULL"
    assert query(url, contacts)[0][0] == 0
    week = "SELECT weekly_hours FROM eldercare.facility WHERE id = $1"
    assert query(url, week, facility["id"])[0][0] == facility["weekly_hours"]


def test_jobs_0004_step_down_names_withdrawals_contacts_and_points_it_drops(
    demo: dict[str, str],
) -> None:
    url = demo["jobs"]
    application = query(
        url, "SELECT id FROM jobs.application WHERE status = 'approved' ORDER BY id LIMIT 1"
    )[0]["id"]
    postings = [r["id"] for r in query(url, "SELECT id FROM jobs.posting ORDER BY id LIMIT 2")]
    fair = query(url, "SELECT id FROM jobs.fair ORDER BY id LIMIT 1")[0]["id"]
    with moved_to(demo, "0004", "jobs"):
        # the demo's postings and fairs all carry contacts and points: two postings and a fair
        # keep one each, so the count says which rows would lose something
        query(
            url,
            "UPDATE jobs.posting SET contact_name = NULL, contact_phone = NULL, "
            "contact_email = NULL, how_to_apply = NULL, apply_url = NULL, address = NULL, "
            "lat = NULL, lon = NULL",
        )
        query(url, "UPDATE jobs.fair SET lat = NULL, lon = NULL WHERE id <> $1", fair)
        query(
            url,
            "UPDATE jobs.posting SET apply_url = 'https://a.example' WHERE id = $1",
            postings[0],
        )
        query(url, "UPDATE jobs.posting SET lat = 40.8, lon = 111.7 WHERE id = $1", postings[1])
        query(url, "UPDATE jobs.application SET status = 'withdrawn' WHERE id = $1", application)

        refused_then_done(
            demo,
            "jobs",
            "0004 → 0003",
            "the withdrawn status of 1 application(s) (0003 makes them rejected, their decision "
            "note saying they were withdrawn); the contact, way to apply, address or map point "
            "of 2 posting(s); the map point of 1 fair(s)",
        )
        status = "SELECT status, decision_note FROM jobs.application WHERE id = $1"
        assert tuple(query(url, status, application)[0]) == (
            "rejected",
            "withdrawn by the applicant",
        )


def test_childcare_0004_step_down_names_weeks_set_by_hand(demo: dict[str, str]) -> None:
    """The demo's weeks are what the free-text hours give (the upgrade fills them again): no
    loss; a week set by hand is one."""
    url = demo["childcare"]
    first = query(url, "SELECT id, weekly_hours FROM childcare.institution ORDER BY id LIMIT 1")[0]
    with moved_to(demo, "0004", "childcare"):
        query(
            url,
            "UPDATE childcare.institution SET weekly_hours = '[[6, 540, 720]]' WHERE id = $1",
            first["id"],
        )
        refused_then_done(
            demo,
            "childcare",
            "0004 → 0003",
            "the weekly hours of 1 institution(s) that their free-text hours do not give back "
            "(an upgrade fills the others again)",
        )
    week = "SELECT weekly_hours FROM childcare.institution WHERE id = $1"
    assert query(url, week, first["id"])[0][0] == first["weekly_hours"]


def test_jobs_0003_step_down_says_what_it_loses_and_needs_consent(demo: dict[str, str]) -> None:
    with moved_to(demo, "0003", "jobs"):
        # the demo's registrations were last changed when seeded; one of them later than that
        query(demo["jobs"], "UPDATE jobs.graduate SET updated_at = registered_at")
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
        assert up.stdout == f"jobs: migrated to head (0002 → {HEAD['jobs']})\n"
        # what the downgrade dropped comes back as the registration time, as the migration says
        changed = "SELECT count(*) FROM jobs.graduate WHERE updated_at <> registered_at"
        assert query(demo["jobs"], changed)[0][0] == 0


def test_eldercare_0003_step_down_keeps_registrations_of_one_person_apart(
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
    activity = query(url, "SELECT id FROM eldercare.activity ORDER BY id LIMIT 1")[0]["id"]
    insert = (
        "INSERT INTO eldercare.activity_registration (activity_id, registrant_sub, elder_id, "
        "participant, status, registered_at, status_changed_at) "
        "VALUES ($1, 'citizen-mig', $2, $3, 'waitlisted', now(), now()) RETURNING id"
    )
    keys = (
        "SELECT id, participant FROM eldercare.activity_registration WHERE id = ANY($1) ORDER BY id"
    )
    with moved_to(demo, "0003", "eldercare"):
        query(
            url, "UPDATE eldercare.elder SET subject_sub = 'citizen-mig' WHERE id = $1", elder["id"]
        )
        old_key = query(url, insert, activity, elder["id"], f"elder:{elder['id']}")[0]["id"]
        new_key = query(url, insert, activity, elder["id"], "citizen:citizen-mig")[0]["id"]
        try:
            down = run("migrate", "eldercare", "--revision", "-1", env=_env(demo))
            assert down.returncode == 0, down.stderr
            assert down.stdout == "eldercare: 0003 → 0002 (downgraded)\n"
            assert [tuple(r) for r in query(url, keys, [old_key, new_key])] == [
                (old_key, f"elder:{elder['id']}"),
                (new_key, "citizen:citizen-mig"),  # kept: its elder key is taken
            ]
            up = run("migrate", "eldercare", env=_env(demo))
            assert up.returncode == 0, up.stderr
            assert version(demo, "eldercare") == HEAD["eldercare"]
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
    with moved_to(demo, "0003", None):
        twins = [query(url, insert, parent, "ab" * 32)[0]["id"] for parent in ("mum-m", "dad-m")]
        try:
            for flags in ([], ["--allow-data-loss"]):
                out = run("migrate", "--revision", "-1", *flags, env=_env(demo))

                assert out.returncode == 1 and out.stdout == "", out.stdout
                assert "Traceback" not in out.stderr
                assert (
                    "nothing migrated: childcare: 0003 → 0002 refused: 1 national ID(s) are each "
                    "held by more than one guardian" in out.stderr
                )
                # refused up front: no service moved, though childcare is not the only one asked
                assert [version(demo, s) for s in SERVICE_NAMES] == ["0003"] * 3
            # a plain `alembic downgrade` meets the same refusal, in its transaction
            with pytest.raises(RuntimeError, match="held by more than one guardian"):
                command.downgrade(alembic_config("childcare", url), "-1")
            assert version(demo, "childcare") == "0003"
        finally:
            query(url, "DELETE FROM childcare.child WHERE id = ANY($1)", twins)


def test_childcare_0003_step_down_turns_ineligible_withdrawn_only_when_told(
    demo: dict[str, str],
) -> None:
    url = demo["childcare"]
    waiting = query(
        url, "SELECT id FROM childcare.enrollment WHERE status = 'waitlisted' ORDER BY id LIMIT 1"
    )[0]["id"]
    status = "SELECT status FROM childcare.enrollment WHERE id = $1"
    with moved_to(demo, "0003", "childcare"):
        query(url, "UPDATE childcare.enrollment SET status = 'ineligible' WHERE id = $1", waiting)
        try:
            refused = run("migrate", "childcare", "--revision", "-1", env=_env(demo))
            assert refused.returncode == 1 and version(demo, "childcare") == "0003"
            assert (
                "childcare: 0003 → 0002 loses the ineligible status of 1 enrollment(s) "
                "(0002 makes them withdrawn)" in refused.stderr
            )
            assert query(url, status, waiting)[0][0] == "ineligible"

            down = run(
                "migrate", "childcare", "--revision", "-1", "--allow-data-loss", env=_env(demo)
            )
            assert down.returncode == 0 and down.stdout == "childcare: 0003 → 0002 (downgraded)\n"
            assert query(url, status, waiting)[0][0] == "withdrawn"
        finally:
            assert run("migrate", "childcare", env=_env(demo)).returncode == 0
            query(
                url, "UPDATE childcare.enrollment SET status = 'waitlisted' WHERE id = $1", waiting
            )


CHILDCARE = HISTORY["childcare"]
TOO_FAR = len(CHILDCARE) + 4


@pytest.mark.parametrize(
    ("revision", "message"),
    [
        (
            f"-{TOO_FAR}",
            f"childcare: cannot move -{TOO_FAR} from {HEAD['childcare']}: "
            f"{len(CHILDCARE)} step(s) down to base",
        ),
        ("+1", f"childcare: cannot move +1 from {HEAD['childcare']}: 0 step(s) up to head"),
        (
            "0042",
            "childcare: no revision '0042'; use head, base, +N, -N or one of "
            + ", ".join(CHILDCARE),
        ),
        ("sideways", "childcare: no revision 'sideways'"),
    ],
)
def test_a_bad_target_is_one_line_and_exit_2(
    demo: dict[str, str], revision: str, message: str
) -> None:
    out = run("migrate", "childcare", "--revision", revision, env=_env(demo))

    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith(f"wellbeing: {message}") and out.stderr.count("\n") == 1
    assert version(demo, "childcare") == HEAD["childcare"]


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
    head = HEAD["eldercare"]
    facilities = "SELECT id, name, district, lat, lon FROM eldercare.facility ORDER BY id"
    kept_rows = query(demo["eldercare"], facilities)
    steps = HISTORY["eldercare"].index(head) - HISTORY["eldercare"].index("0001")

    refused = run("migrate", "eldercare", "--revision", f"-{steps}", env=_env(demo))

    assert refused.returncode == 1 and version(demo, "eldercare") == head
    assert "eldercare: 0002 → 0001 loses" in refused.stderr
    assert "the programmes and centres of" in refused.stderr and " elder, " in refused.stderr

    down = run("migrate", "eldercare", "--revision", "0001", "--allow-data-loss", env=_env(demo))
    assert down.returncode == 0, down.stderr
    assert down.stdout == f"eldercare: {head} → 0001 (downgraded)\n"
    assert query(demo["eldercare"], facilities) == kept_rows
    up = run("migrate", "eldercare", env=_env(demo))
    assert up.stdout == f"eldercare: migrated to head (0001 → {head})\n"
    assert query(demo["eldercare"], facilities) == kept_rows
    assert query(demo["eldercare"], "SELECT count(*) FROM eldercare.elder")[0][0] == 0
