"""The rule language on its own: which rules staff may store, and how each is judged."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.jobs.programmes.errors import InvalidRule
from services.jobs.programmes.rules import (
    ApplicantFacts,
    Fact,
    Outcome,
    Rule,
    RuleStatus,
    add_years,
    check_rules,
    evaluate,
    outcome,
)

REASON = {"zh": "要求", "en": "requirement"}


def rule(fact: str, op: str, value: Any, rule_id: str = "r") -> Rule:
    return Rule.model_validate(
        {"id": rule_id, "fact": fact, "op": op, "value": value, "reason": REASON}
    )


def test_every_fact_can_be_stated() -> None:
    assert set(ApplicantFacts.model_fields) == {f.value for f in Fact}


@pytest.mark.parametrize(
    ("fact", "op", "value"),
    [
        ("graduation_date", "eq", 5),
        ("graduation_date", "within_years", 0),
        ("graduation_date", "within_years", True),
        ("works_in_hohhot", "eq", 1),
        ("works_in_hohhot", "gte", True),
        ("age_years", "gte", True),
        ("age_years", "in", ["1"]),
        ("degree", "eq", "phd"),
        ("degree", "in", []),
        ("district", "in", ["赛罕区", "火星区"]),
        ("retention", "gte", "stayed"),
    ],
)
def test_a_rule_the_evaluator_cannot_answer_is_refused(fact: str, op: str, value: Any) -> None:
    with pytest.raises(InvalidRule):
        check_rules([rule(fact, op, value)])


def test_rule_ids_are_unique() -> None:
    with pytest.raises(InvalidRule, match="重复出现"):  # zh-CN: no request asked for en
        check_rules([rule("age_years", "gte", 18, "x"), rule("age_years", "lte", 35, "x")])


@pytest.mark.parametrize(
    ("the_rule", "facts", "today", "expected"),
    [
        (
            rule("graduation_date", "within_years", 5),
            {"graduation_date": "2021-06-30"},
            date(2026, 6, 30),
            "met",
        ),
        (
            rule("graduation_date", "within_years", 5),
            {"graduation_date": "2021-06-30"},
            date(2026, 7, 1),
            "not_met",
        ),
        (
            rule("graduation_date", "within_years", 5),
            {"graduation_date": "2026-07-01"},
            date(2026, 6, 30),
            "not_met",
        ),  # not yet graduated
        (
            rule("graduation_date", "within_years", 1),
            {"graduation_date": "2024-02-29"},
            date(2025, 2, 28),
            "met",
        ),
        (
            rule("graduation_date", "within_years", 1),
            {"graduation_date": "2024-02-29"},
            date(2025, 3, 1),
            "not_met",
        ),
        (rule("graduation_date", "within_years", 5), {}, date(2026, 1, 1), "needs_info"),
        (rule("works_in_hohhot", "eq", True), {"works_in_hohhot": False}, None, "not_met"),
        (rule("owns_home_in_hohhot", "eq", False), {"owns_home_in_hohhot": False}, None, "met"),
        (rule("age_years", "lte", 35), {"age_years": 35}, None, "met"),
        (rule("age_years", "gte", 18), {"age_years": 17}, None, "not_met"),
        (rule("degree", "in", ["master", "doctorate"]), {"degree": "bachelor"}, None, "not_met"),
        (rule("degree", "not_in", ["associate"]), {"degree": "bachelor"}, None, "met"),
        (rule("district", "eq", "赛罕区"), {"district": "赛罕区"}, None, "met"),
        (rule("retention", "ne", "came"), {"retention": "came"}, None, "not_met"),
    ],
)
def test_each_operator_is_judged(
    the_rule: Rule, facts: dict[str, Any], today: date | None, expected: str
) -> None:
    [result] = evaluate([the_rule], ApplicantFacts.model_validate(facts), today or date.today())

    assert result.result == RuleStatus(expected)
    assert result.reason.en == "requirement"


def test_not_met_outranks_needs_info_outranks_eligible() -> None:
    rules = [rule("age_years", "gte", 18, "a"), rule("works_in_hohhot", "eq", True, "b")]
    today = date(2026, 1, 1)

    assert outcome(evaluate(rules, ApplicantFacts(age_years=20, works_in_hohhot=True), today)) is (
        Outcome.eligible
    )
    assert outcome(evaluate(rules, ApplicantFacts(age_years=20), today)) is Outcome.needs_info
    assert outcome(evaluate(rules, ApplicantFacts(age_years=16), today)) is Outcome.not_eligible


def test_add_years_keeps_the_calendar_day() -> None:
    assert add_years(date(2021, 6, 30), 5) == date(2026, 6, 30)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
