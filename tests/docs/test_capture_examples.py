"""The guides' examples replay: docs/api/capture_examples.sh runs every request of
docs/api/README.md, childcare.md, jobs.md and eldercare.md against the real four processes on
the demo data, finding every id by name or from the answer that created it, as the guides say
to. Each step must answer the status the guide shows (a lookup that found nothing would send a
wrong id and answer 404 or 422), and the bodies the guides quote for the steps checked below."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.provisioning import ProvisionedDatabase
from tests.e2e.platform import Platform, four_processes
from tests.fixtures.tokens import DevTokens

pytestmark = pytest.mark.e2e
SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "api" / "capture_examples.sh"
STEP = re.compile(r"^(\w+): (GET|POST|PATCH|DELETE) (\S+) -> (\d{3})$")

# step → the status its guide shows
EXPECTED = {
    "childcare_01_near": 200,
    "childcare_02_child_li": 201,
    "childcare_03_too_old": 422,
    "childcare_04_duplicate": 409,
    "childcare_05_child_wang": 201,
    "childcare_06_institution": 201,
    "childcare_07_child_duo": 201,
    "childcare_08_child_guo": 201,
    "childcare_09_child_le": 201,
    "childcare_10_apply_duo": 201,
    "childcare_11_apply_guo": 201,
    "childcare_12_apply_xuan": 201,
    "childcare_13_apply_le": 201,
    "childcare_14_child_baby": 201,
    "childcare_15_too_young": 422,
    "childcare_16_narrow": 200,
    "childcare_17_raise": 200,
    "childcare_18_guo": 200,
    "childcare_19_xuan": 200,
    "childcare_20_le": 200,
    "childcare_20n_inbox": 200,
    "childcare_20r_read": 200,
    "childcare_21_accept": 200,
    "childcare_22_decline_enrolled": 409,
    "childcare_23_elsewhere": 409,
    "childcare_24_wang_apply": 201,
    "childcare_25_capacity_below": 409,
    "childcare_26_conflicting_coord_sys": 422,
    "childcare_27_outside_district": 422,
    "childcare_28_roster": 200,
    "childcare_29_stats": 200,
    "childcare_30_age_range": 422,
    "childcare_31_correct": 200,
    "childcare_32_correct_not_yours": 404,
    "childcare_33_identity_in_use": 409,
    "childcare_34_erase_with_place": 409,
    "childcare_35_erase": 204,
    "childcare_36_erased": 404,
    "eldercare_01_community": 200,
    "eldercare_02_circle": 200,
    "eldercare_03_gap": 200,
    "eldercare_04_stats": 200,
    "eldercare_05_summary": 200,
    "eldercare_06_classes": 200,
    "eldercare_07_register": 201,
    "eldercare_08_replayed": 201,
    "eldercare_09_waitlisted": 201,
    "eldercare_10_cancel_seat": 200,
    "eldercare_11_moved_up": 200,
    "eldercare_12_cancel_again": 409,
    "eldercare_13_not_family": 404,
    "eldercare_14_renovation": 201,
    "eldercare_15_citizen_assesses": 403,
    "eldercare_16_assess": 200,
    "eldercare_17_schedule_no_date": 422,
    "eldercare_18_schedule": 200,
    "eldercare_19_not_yours": 404,
    "eldercare_20_care": 201,
    "eldercare_21_no_price": 422,
    "eldercare_22_assign": 200,
    "eldercare_23_complete": 200,
    "eldercare_24_cancel_completed": 409,
    "eldercare_25_at_risk": 200,
    "eldercare_26_visit_missed": 201,
    "eldercare_27_visit_completed": 201,
    "eldercare_28_overdue": 200,
    "eldercare_29_read_elder": 200,
    "eldercare_30_audit": 200,
    "eldercare_31_audit_staff": 403,
    "eldercare_32_elder": 201,
    "eldercare_33_summary": 200,
    "eldercare_34_contact": 200,
    "eldercare_35_list_masked": 200,
    "eldercare_36_correct": 200,
    "eldercare_37_correct_not_family": 404,
    "eldercare_38_read_whole": 200,
    "jobs_01_near": 200,
    "jobs_02_station_bd09": 200,
    "jobs_03_geojson": 200,
    "jobs_04_check_in": 201,
    "jobs_05_usage": 200,
    "jobs_06_station": 201,
    "jobs_07_station_patch": 200,
    "jobs_08_wrong_district": 422,
    "jobs_09_postings": 200,
    "jobs_10_graduate": 201,
    "jobs_11_retention": 200,
    "jobs_12_programmes": 200,
    "jobs_13_eligibility_empty": 200,
    "jobs_14_eligibility_met": 200,
    "jobs_15_eligibility_not": 200,
    "jobs_16_not_eligible": 422,
    "jobs_17_facts_missing": 422,
    "jobs_18_apply": 201,
    "jobs_19_already_applied": 409,
    "jobs_20_not_yours": 404,
    "jobs_21_fairs": 200,
    "jobs_22_register": 201,
    "jobs_23_register_again": 409,
    "jobs_24_small_fair": 201,
    "jobs_25_small_fair_taken": 201,
    "jobs_26_fair_full": 409,
    "jobs_27_cancel": 200,
    "jobs_28_cancel_again": 409,
    "jobs_29_approve": 200,
    "jobs_30_disburse": 200,
    "jobs_31_disburse_again": 409,
    "jobs_32_approve_disbursed": 409,
    "jobs_33_summary": 200,
    "jobs_34_small_programme": 201,
    "jobs_35_apply_first": 201,
    "jobs_36_apply_second": 201,
    "jobs_36w_apply_zhao": 201,
    "jobs_36x_withdraw": 200,
    "jobs_36y_withdraw_again": 409,
    "jobs_36z_withdraw_decided": 409,
    "jobs_37_approve_first": 200,
    "jobs_38_budget_exhausted": 409,
    "jobs_39_reject": 200,
    "jobs_40_stats": 200,
    "jobs_41_posting": 200,
    "readme_01_me_anonymous": 401,
    "readme_02_limit_500": 422,
    "readme_03_page": 200,
    "readme_04_child": 201,
    "readme_05_child_replayed": 201,
    "readme_06_key_reused": 422,
    "readme_07_apply": 201,
    "readme_11_me": 200,
    "readme_12_saihan": 200,
    "readme_13_atlantis": 404,
    "readme_14_labels": 200,
}


@pytest.fixture(scope="module")
def platform(db: ProvisionedDatabase, tokens: DevTokens) -> Iterator[Platform]:
    with four_processes(db, tokens, {}) as running:
        yield running


def _libpq(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def test_every_example_of_the_guides_answers_as_shown(
    platform: Platform, tokens: DevTokens, tmp_path: Path
) -> None:
    out = tmp_path / "examples"
    env = {
        **os.environ,
        "WELLBEING": str(Path(sys.executable).with_name("wellbeing")),
        "CHILDCARE_DATABASE_URL": _libpq(platform.env["childcare"]["DATABASE_URL"]),
        "ELDERCARE_DATABASE_URL": _libpq(platform.env["eldercare"]["DATABASE_URL"]),
    }
    run = subprocess.run(
        ["bash", str(SCRIPT), platform.gateway, str(tokens.private_key.parent), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert run.returncode == 0, run.stderr[-2000:]
    steps = {m[1]: int(m[4]) for line in run.stdout.splitlines() if (m := STEP.match(line))}
    assert steps == EXPECTED

    def body(step: str) -> dict[str, object]:
        return json.loads((out / f"{step}.txt").read_text().splitlines()[0])  # type: ignore[no-any-return]

    # the offer carries today when the start date applied for has passed (childcare.md, step 4)
    xuan = body("childcare_19_xuan")
    assert (xuan["status"], xuan["child_name"]) == ("offered", "萱萱")
    assert body("childcare_18_guo")["status"] == "ineligible"
    # the refusals quote the record in the way (childcare.md) and the one payment (jobs.md)
    assert body("childcare_23_elsewhere")["enrollment_id"] == body("childcare_12_apply_xuan")["id"]
    assert (
        body("jobs_31_disburse_again")["payment_reference"]
        == body("jobs_30_disburse")["payment_reference"]
    )
    # mum moved up the waitlist when a seat was freed (eldercare.md, flow 2)
    moved = body("eldercare_11_moved_up")["items"]
    assert isinstance(moved, list) and moved[0]["waitlist_position"] == 2
    assert body("eldercare_09_waitlisted")["waitlist_position"] == 3
    # the offer reaches 李's inbox in Chinese, and reading it marks it read (README.md)
    notice = body("childcare_20n_inbox")["items"]
    assert isinstance(notice, list) and notice[0]["kind"] == "childcare.offer_made"
    assert notice[0]["title"] == "托育学位已为您保留"
    read = body("childcare_20r_read")
    assert (read["id"], read["read"]) == (notice[0]["id"], True)
    # correct and erase (childcare.md): the correction, the refusals, the erasure for good
    corrected = body("childcare_31_correct")
    assert (corrected["id"], corrected["name"]) == (body("childcare_02_child_li")["id"], "李萱萱")
    assert body("childcare_32_correct_not_yours")["code"] == "child_not_found"
    assert body("childcare_33_identity_in_use")["code"] == "child_identity_in_use"
    assert body("childcare_34_erase_with_place")["code"] == "child_has_place"
    assert (out / "childcare_35_erase.txt").read_text().split() == ["204"]  # no body
    assert body("childcare_36_erased")["code"] == "child_not_found"
    # withdraw (jobs.md): once, then refused with the status in the way
    assert body("jobs_36x_withdraw")["status"] == "withdrawn"
    assert body("jobs_36y_withdraw_again")["application_status"] == "withdrawn"
    assert body("jobs_36z_withdraw_decided")["application_status"] == "disbursed"
    posting = body("jobs_41_posting")
    assert posting["contact"] and posting["location"]["coord_sys"] == "gcj02"
    # an elder's contact (eldercare.md): whole on one profile, masked in the list
    whole, listed = body("eldercare_38_read_whole"), body("eldercare_35_list_masked")["items"]
    assert isinstance(listed, list) and listed[0]["id"] == whole["id"]
    assert (whole["phone"], listed[0]["phone"]) == ("0471-6912345", "047****2345")
    assert whole["address"] == "赛罕区人民路街道兴康社区3号楼2单元501"
    assert "*" in listed[0]["address"] and "*" in listed[0]["emergency_contact"]["name"]
    assert body("eldercare_36_correct")["care_needs"] == ["meal", "bathing"]
    assert body("eldercare_37_correct_not_family")["code"] == "elder_not_found"
