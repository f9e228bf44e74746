"""The reliability proof for personal data (DESIGN §2, PIPL): after a journey through the gateway
that handles children's names, national ID numbers and bearer tokens — including the requests
that used to put them in logs (a duplicate child registration made PostgreSQL log
`DETAIL: Key (guardian_sub, name, birth_date)=(…, 矩阵童, …)`), bad tokens and refused input —
no log of the platform holds any of them: not the three services', not the gateway's, not the
PostgreSQL server's.

The database is an embedded PostgreSQL this module owns in every mode (also when the suite runs
against a server), because the test must read the server's own log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from common.clock import city_today
from common.provisioning import ProvisionedDatabase, provision_database
from common.registry import PROCESS_NAMES
from tests.e2e.platform import Platform, four_processes
from tests.eldercare.factories import id_number
from tests.fixtures.tokens import DevTokens

pytestmark = pytest.mark.e2e

CHILD = "矩阵童"
ELDER = "隐私测试奶奶"
CHILD_ID = id_number("15010220250101123")
ELDER_ID = id_number("15010219440101234")
NATIONAL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
JWT = re.compile(r"eyJ[\w-]{8,}\.eyJ[\w-]{8,}")


@pytest.fixture(scope="module")
def own_db() -> Iterator[ProvisionedDatabase]:
    with provision_database(prefix="wb_pii", embedded_only=True) as database:
        yield database


@pytest.fixture(scope="module")
def platform(
    own_db: ProvisionedDatabase, tokens: DevTokens, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    logs = tmp_path_factory.mktemp("pii-logs")
    with four_processes(own_db, tokens, {}, log_dir=logs, log_level="INFO") as running:
        yield running


def _journey(gateway: str, tokens: DevTokens) -> list[str]:
    """Personal data through every service; returns the bearer tokens it used."""
    parent = tokens.token("pii-parent", "citizen")
    staff = tokens.token("pii-staff", "childcare_staff")
    family = tokens.token("pii-family", "citizen")
    elder_staff = tokens.token("pii-elder-staff", "eldercare_staff")
    used = [parent, staff, family, elder_staff]
    with httpx.Client(base_url=gateway, timeout=15) as gw:

        def auth(token: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {token}"}

        born = (city_today() - timedelta(days=400)).isoformat()
        child = {"name": CHILD, "birth_date": born, "id_number": CHILD_ID}
        first = gw.post("/childcare/v1/children", json=child, headers=auth(parent))
        assert first.status_code == 201, first.text
        assert CHILD_ID not in first.text  # masked in the answer too
        # the same child again: same name and birth date for the same guardian, the ID left
        # out (with it, the ID check answers first), then with it
        unnamed = {"name": CHILD, "birth_date": born}
        again = gw.post("/childcare/v1/children", json=unnamed, headers=auth(parent))
        assert again.status_code == 409, again.text
        same_id = gw.post("/childcare/v1/children", json=child, headers=auth(parent))
        assert same_id.status_code == 409, same_id.text
        bad = gw.post(
            "/childcare/v1/children",
            json={**child, "id_number": CHILD_ID[:-1] + "0"},
            headers=auth(parent),
        )
        assert bad.status_code in (409, 422), bad.text
        institution = gw.get("/childcare/v1/institutions", params={"limit": 1, "age_months": 14})
        institution = institution.json()["items"][0]
        start = (city_today() + timedelta(days=7)).isoformat()
        applied = gw.post(
            "/childcare/v1/enrollments",
            json={"child_id": first.json()["id"], "institution_id": institution["id"]}
            | {"start_date": start},
            headers=auth(parent),
        )
        assert applied.status_code == 201, applied.text
        roster = gw.get(
            f"/childcare/v1/institutions/{institution['id']}/roster", headers=auth(staff)
        )
        assert roster.status_code == 200 and CHILD in roster.text

        elder = {
            "name": ELDER,
            "birth_date": (city_today() - timedelta(days=80 * 365)).isoformat(),
            "id_number": ELDER_ID,
        }
        mum = gw.post("/eldercare/v1/elders", json=elder, headers=auth(family))
        assert mum.status_code == 201, mum.text
        twice = gw.post("/eldercare/v1/elders", json=elder, headers=auth(family))
        assert twice.status_code == 409, twice.text
        seen = gw.get(f"/eldercare/v1/elders/{mum.json()['id']}", headers=auth(elder_staff))
        assert seen.status_code == 200 and ELDER in seen.text

        view = gw.get("/wellbeing/v1/me", headers=auth(parent))
        assert view.status_code == 200 and CHILD in view.text
        forged = used[0][:-4] + "AAAA"  # a bad signature: 401, and the token is not logged
        assert gw.get("/wellbeing/v1/me", headers=auth(forged)).status_code == 401
        used.append(forged)
    return used


def test_no_log_holds_a_national_id_a_token_or_a_childs_name(
    platform: Platform, own_db: ProvisionedDatabase, tokens: DevTokens
) -> None:
    used = _journey(platform.gateway, tokens)
    platform.stop_all()  # every process has written and flushed all it will

    logs: dict[str, Path | None] = {name: platform.log_of(name) for name in PROCESS_NAMES}
    logs["postgresql"] = own_db.server_log
    assert all(path is not None for path in logs.values())
    texts = {name: path.read_text(errors="replace") for name, path in logs.items() if path}
    # the scan reads what it should: every process wrote this journey's access lines, and the
    # server log is the live one
    for name in PROCESS_NAMES:
        assert '"msg":"request"' in texts[name].replace(" ", ""), name
    assert "database system is ready" in texts["postgresql"]

    found = {
        name: [
            what
            for what, hit in (
                ("national id", NATIONAL_ID.search(text)),
                ("jwt", JWT.search(text)),
                *((f"token {i}", token in text) for i, token in enumerate(used)),
                ("child's name", CHILD in text),
                ("elder's name", ELDER in text),
            )
            if hit
        ]
        for name, text in texts.items()
    }
    assert found == {name: [] for name in texts}
