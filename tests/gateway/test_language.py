"""Chinese first (DESIGN §2 "Language"): every problem code the API documents has its texts in
zh-CN and en; the gateway's own problems follow `Accept-Language`; `GET /wellbeing/v1/labels`
labels every enum value a client shows, in both languages, cacheable."""

from __future__ import annotations

import ast
import re
from enum import Enum
from typing import Any

import pytest
from fastapi import FastAPI

from common.errors import ProblemError
from common.i18n import N_, translate
from common.i18n_extract import source_files
from common.problems import STATUS_TITLES
from gateway.labels import LABELS
from gateway.main import create_app as gateway_app
from services.childcare.config import Settings as ChildcareSettings
from services.childcare.main import create_app as childcare_app
from services.eldercare.config import Settings as EldercareSettings
from services.eldercare.main import create_app as eldercare_app
from services.jobs.config import Settings as JobsSettings
from services.jobs.main import create_app as jobs_app
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens
from tests.gateway.conftest import GatewayFactory, dead_url, gateway_settings

NOWHERE = "postgresql+asyncpg://nobody:nothing@127.0.0.1:1/none"  # the spec needs no database
EN = {"Accept-Language": "en"}
# the codes the problem handlers answer themselves (no error class): their texts
FRAMEWORK_TEXTS: dict[str, list[str]] = {
    "validation_error": [N_("The request is not valid: {where}: {issue}")],
    "implausible_date": [N_("The request is not valid: {where}: {issue}")],
    "malformed_json": [N_("The request body is not valid JSON.")],
    "rate_limited": [N_("Rate limit {item} exceeded; retry in {retry_after} s.")],
}


def documented_codes(app: FastAPI) -> set[str]:
    """Every `code` the app's OpenAPI names in an error response's description."""
    codes: set[str] = set()
    for operations in app.openapi()["paths"].values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                _, _, named = response.get("description", "").partition("`code`:")
                codes |= set(re.findall(r"`([a-z0-9_]+)`", named))
    return codes


def classes_by_code() -> dict[str, list[type[ProblemError]]]:
    found: dict[str, list[type[ProblemError]]] = {}
    todo: list[type[ProblemError]] = [ProblemError]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.code, []).append(cls)
        todo.extend(cls.__subclasses__())
    return found


def raised_texts() -> dict[str, list[str]]:
    """Class name or `code=` → the msgids of `X(t("…"))` constructions in the code."""
    texts: dict[str, list[str]] = {}
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            first = node.args[0]
            if not (
                isinstance(first, ast.Call)
                and getattr(first.func, "id", None) == "t"
                and isinstance(first.args[0], ast.Constant)
            ):
                continue
            keys = [getattr(node.func, "id", getattr(node.func, "attr", ""))]
            keys += [
                k.value.value
                for k in node.keywords
                if k.arg == "code" and isinstance(k.value, ast.Constant)
            ]
            for key in keys:
                texts.setdefault(str(key), []).append(str(first.args[0].value))
    return texts


@pytest.fixture(scope="module")
def every_app(tokens: DevTokens) -> list[FastAPI]:
    dev = {"environment": "development", "database_url": NOWHERE}
    return [
        childcare_app(ChildcareSettings(**dev)),  # type: ignore[arg-type]
        jobs_app(JobsSettings(**dev)),  # type: ignore[arg-type]
        eldercare_app(EldercareSettings(**dev)),  # type: ignore[arg-type]
        gateway_app(gateway_settings(tokens)),
    ]


def test_every_documented_problem_code_has_chinese_and_english_texts(
    every_app: list[FastAPI],
) -> None:
    codes = set().union(*(documented_codes(app) for app in every_app))
    assert len(codes) > 60  # the walk sees the spec's codes, not nothing
    classes, raised = classes_by_code(), raised_texts()
    lacking = []
    for code in sorted(codes):
        msgids: list[str] = list(FRAMEWORK_TEXTS.get(code, []))
        for cls in classes.get(code, []):
            msgids += [cls.title, *raised.get(cls.__name__, [])]
            if cls.message != ProblemError.message:
                msgids.append(cls.message)
        msgids += raised.get(code, [])
        if not msgids:
            lacking.append(f"{code}: no text found")
        for msgid in msgids:
            zh, en = translate(msgid, "zh-CN"), translate(msgid, "en")
            if not zh or not en or zh == en:
                lacking.append(f"{code}: {msgid!r} → zh {zh!r}, en {en!r}")
    assert lacking == []


def test_every_status_title_is_translated() -> None:
    for status, title in STATUS_TITLES.items():
        assert translate(title, "zh-CN") != title, status


async def test_the_gateways_own_problems_follow_accept_language(
    make_gateway: GatewayFactory,
) -> None:
    async with make_gateway(
        childcare_url=dead_url(), jobs_url=dead_url(), eldercare_url=dead_url()
    ) as gw:
        zh = await gw.get("/wellbeing/v1/nothing-here")
        en = await gw.get("/wellbeing/v1/nothing-here", headers=EN)
        zh_q = await gw.get(
            "/wellbeing/v1/nothing-here", headers={"Accept-Language": "en;q=0.5, zh"}
        )
        anonymous_me = await gw.get("/wellbeing/v1/me", headers=EN)
        down = await gw.get("/childcare/v1/institutions")
        down_en = await gw.get("/childcare/v1/institutions", headers=EN)

    zh_body, en_body = assert_problem(zh, 404, "not_found"), assert_problem(en, 404, "not_found")
    assert zh_body["title"] == "未找到" and en_body["title"] == "Not Found"
    assert zh_body["detail"] == "/wellbeing/v1/nothing-here 处没有资源。"
    assert en_body["detail"] == "No resource at /wellbeing/v1/nothing-here."
    assert assert_problem(zh_q, 404, "not_found")["title"] == "未找到"
    assert assert_problem(anonymous_me, 401, "unauthenticated")["detail"] == (
        "A bearer token is required."
    )
    # a service that cannot be reached: the gateway's own 503, in each language
    down_zh = assert_problem(down, 503, "service_unavailable")
    down_english = assert_problem(down_en, 503, "service_unavailable")
    assert "childcare" in str(down_zh["detail"]) and "无法连接" in str(down_zh["detail"])
    assert str(down_english["detail"]).startswith("The childcare service is not reachable")


async def test_labels_give_every_value_in_chinese_and_english(
    make_gateway: GatewayFactory,
) -> None:
    async with make_gateway(
        childcare_url=dead_url(), jobs_url=dead_url(), eldercare_url=dead_url()
    ) as gw:
        r = await gw.get("/wellbeing/v1/labels")
        again = await gw.get("/wellbeing/v1/labels", headers={"If-None-Match": r.headers["etag"]})
        english = await gw.get("/wellbeing/v1/labels", headers=EN)
        spec = (await gw.get("/openapi.json")).json()

    assert r.status_code == 200
    assert r.headers["cache-control"] == "public, max-age=3600"
    assert r.headers["content-language"] == "zh-CN, en"
    assert again.status_code == 304 and again.headers["etag"] == r.headers["etag"]
    # both languages in one answer: the same representation whatever the request asked for
    assert english.content == r.content and english.headers["etag"] == r.headers["etag"]
    body = r.json()
    assert body["languages"] == ["zh-CN", "en"]
    groups = {g["name"]: {label["value"]: label for label in g["labels"]} for g in body["groups"]}
    assert groups["institution_kind"]["home_based"] == {
        "value": "home_based",
        "zh_CN": "家庭式托育点",
        "en": "Home-based childcare point",
    }
    assert groups["institution_flag"]["inclusive"]["zh_CN"] == "普惠"
    assert groups["district"]["赛罕区"]["en"] == "Saihan District"
    assert groups["enrollment_status"]["waitlisted"]["zh_CN"] == "候补中"
    for name, labels in groups.items():
        for label in labels.values():
            assert (label["zh_CN"] and label["en"] and label["zh_CN"] != label["en"]) or (
                name == "district" and label["zh_CN"] == label["value"]
            ), (name, label)
    operation = spec["paths"]["/wellbeing/v1/labels"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LabelSet"
    }
    assert set(spec["components"]["schemas"]["Label"]["required"]) == {"value", "zh_CN", "en"}


def _values(enum: type[Enum]) -> set[Any]:
    return {member.value for member in enum}


def test_labels_mirror_the_services_enums() -> None:
    """A value added to a service's enum without a label fails here."""
    from common.districts import District
    from services.childcare.institutions.schemas import DemonstrationLevel, InstitutionKind
    from services.childcare.planning.schemas import PlanCategory
    from services.childcare.values import EnrollmentStatus, ProjectStatus
    from services.eldercare.activities.schemas import ActivityCategory
    from services.eldercare.care.schemas import ProviderCategory, RenovationItem
    from services.eldercare.elders.schemas import (
        ActingAs,
        AtRiskReason,
        CareType,
        MissedReason,
        VisitOutcome,
    )
    from services.eldercare.facilities.schemas import FacilityKind
    from services.eldercare.values import (
        ActivityStatus,
        CareStatus,
        RegistrationStatus,
        RenovationStatus,
    )
    from services.jobs.fairs.schemas import FairStatus
    from services.jobs.graduates.schemas import Degree, EmploymentStatus, Retention
    from services.jobs.postings.schemas import EducationLevel, PostingCategory
    from services.jobs.programmes.rules import Fact, Outcome, RuleStatus
    from services.jobs.programmes.schemas import AwardKind, ProgrammeKind
    from services.jobs.stations.schemas import Amenity, OperatorKind, WorkerType
    from services.jobs.values import ApplicationStatus, PostingStatus
    from services.jobs.values import RegistrationStatus as FairRegistrationStatus

    mirrored: dict[str, type[Enum]] = {
        "district": District,
        "institution_kind": InstitutionKind,
        "demonstration_level": DemonstrationLevel,
        "enrollment_status": EnrollmentStatus,
        "plan_category": PlanCategory,
        "project_status": ProjectStatus,
        "activity_category": ActivityCategory,
        "activity_status": ActivityStatus,
        "activity_registration_status": RegistrationStatus,
        "care_type": CareType,
        "care_status": CareStatus,
        "provider_category": ProviderCategory,
        "renovation_status": RenovationStatus,
        "renovation_item": RenovationItem,
        "facility_kind": FacilityKind,
        "elder_relation": ActingAs,
        "visit_outcome": VisitOutcome,
        "missed_reason": MissedReason,
        "at_risk_reason": AtRiskReason,
        "posting_status": PostingStatus,
        "posting_category": PostingCategory,
        "education_level": EducationLevel,
        "fair_status": FairStatus,
        "fair_registration_status": FairRegistrationStatus,
        "degree": Degree,
        "retention": Retention,
        "employment_status": EmploymentStatus,
        "programme_kind": ProgrammeKind,
        "award_kind": AwardKind,
        "application_status": ApplicationStatus,
        "eligibility_fact": Fact,
        "rule_result": RuleStatus,
        "eligibility_outcome": Outcome,
        "station_amenity": Amenity,
        "station_operator_kind": OperatorKind,
        "worker_type": WorkerType,
    }
    for name, enum in mirrored.items():
        assert set(LABELS[name][1]) == _values(enum), name
    assert set(LABELS) - set(mirrored) == {"institution_flag"}
    assert set(LABELS["institution_flag"][1]) == {"inclusive", "public_owned", "demonstration"}
