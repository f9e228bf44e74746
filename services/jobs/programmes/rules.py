"""Eligibility rules held as data, and the one evaluator.

A programme's rules are a JSON list stored with it; staff change them through the API, never
in code. Each rule tests one *fact* about the applicant with one operator and carries the
requirement in plain words, Chinese and English:

    {"id": "graduated_within_5_years", "fact": "graduation_date", "op": "within_years",
     "value": 5, "reason": {"zh": "毕业5年以内", "en": "Graduated within the last 5 years"}}

A fact the applicant has not given makes that rule `needs_info` (never an error). Facts come
from the applicant's request, except those of a graduate registration, which the registration
decides. Dates are the city's (Asia/Shanghai) and "within N years" includes the anniversary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from common.districts import District
from common.i18n import Lang, current_lang, t
from common.times import PlausibleDate
from common.validation import IntegerOnly
from services.jobs.graduates.schemas import Degree, EmploymentStatus, Retention
from services.jobs.programmes.errors import InvalidRule

MAX_RULES = 20


class Fact(StrEnum):
    graduation_date = "graduation_date"
    degree = "degree"
    retention = "retention"
    employment_status = "employment_status"
    district = "district"
    works_in_hohhot = "works_in_hohhot"
    owns_home_in_hohhot = "owns_home_in_hohhot"
    first_home_in_hohhot = "first_home_in_hohhot"
    business_registered_in_hohhot = "business_registered_in_hohhot"
    business_age_months = "business_age_months"
    tech_company = "tech_company"
    age_years = "age_years"


# what a graduate registration says; the registration, once made, decides these facts
FROM_GRADUATE_RECORD = (
    Fact.graduation_date,
    Fact.degree,
    Fact.retention,
    Fact.employment_status,
    Fact.district,
)


class ApplicantFacts(BaseModel):
    """What the applicant states about themselves; every field optional (a rule whose fact is
    missing answers `needs_info`)."""

    model_config = ConfigDict(extra="forbid")

    graduation_date: PlausibleDate | None = None
    degree: Degree | None = None
    retention: Retention | None = None
    employment_status: EmploymentStatus | None = None
    district: District | None = Field(None, description="Where you work or live.")
    works_in_hohhot: StrictBool | None = Field(
        None, description="Employed in Hohhot with social insurance paid here."
    )
    owns_home_in_hohhot: StrictBool | None = None
    first_home_in_hohhot: StrictBool | None = Field(
        None, description="Bought your first home, in Hohhot."
    )
    business_registered_in_hohhot: StrictBool | None = None
    business_age_months: Annotated[int, Field(ge=0, le=1200), IntegerOnly] | None = None
    tech_company: StrictBool | None = Field(
        None, description="Your business is a technology-based company."
    )
    age_years: Annotated[int, Field(ge=14, le=120), IntegerOnly] | None = None


class Op(StrEnum):
    eq = "eq"
    ne = "ne"
    in_ = "in"
    not_in = "not_in"
    gte = "gte"
    lte = "lte"
    within_years = "within_years"


_CHOICES: dict[Fact, frozenset[str]] = {
    Fact.degree: frozenset(Degree),
    Fact.retention: frozenset(Retention),
    Fact.employment_status: frozenset(EmploymentStatus),
    Fact.district: frozenset(District),
}
_BOOLEAN = frozenset(
    {
        Fact.works_in_hohhot,
        Fact.owns_home_in_hohhot,
        Fact.first_home_in_hohhot,
        Fact.business_registered_in_hohhot,
        Fact.tech_company,
    }
)
_NUMBER = frozenset({Fact.business_age_months, Fact.age_years})


class Reason(BaseModel):
    """The requirement in plain words."""

    model_config = ConfigDict(extra="forbid")

    zh: Annotated[str, Field(min_length=1, max_length=300)]
    en: Annotated[str, Field(min_length=1, max_length=300)]

    def text(self, lang: Lang | None = None) -> str:
        """The words in `lang` (the request's by default): the rule's own, written by staff in
        both languages, so they are data and not in the catalogues."""
        return self.zh if (lang or current_lang()) == "zh-CN" else self.en


RuleValue = (
    StrictBool
    | Annotated[int, Field(ge=-1_000_000, le=1_000_000), IntegerOnly]
    | Annotated[str, Field(max_length=50)]
    | Annotated[list[Annotated[str, Field(max_length=50)]], Field(max_length=20)]
)


class Rule(BaseModel):
    """One requirement. Operators by fact: dates `within_years` (value: years, 1–100);
    yes/no facts `eq` (value: true/false); numbers `eq`, `gte`, `lte` (value: a number);
    choices (degree, retention, employment_status, district) `eq`, `ne` (value: one choice),
    `in`, `not_in` (value: a list of choices). Anything else is `422 invalid_rule`."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,49}$")]
    fact: Fact
    op: Op
    value: RuleValue
    reason: Reason


class RuleStatus(StrEnum):
    met = "met"
    not_met = "not_met"
    needs_info = "needs_info"


class RuleResult(BaseModel):
    rule_id: str
    fact: Fact
    result: RuleStatus
    reason: Reason


class Outcome(StrEnum):
    eligible = "eligible"
    not_eligible = "not_eligible"
    needs_info = "needs_info"


def _problem(rule: Rule) -> str | None:
    """What is wrong with a rule, or None."""
    value, op = rule.value, rule.op
    if rule.fact is Fact.graduation_date:
        ok = op is Op.within_years and type(value) is int and 1 <= value <= 100
        return None if ok else t("a date takes `within_years` with a number of years (1–100)")
    if rule.fact in _BOOLEAN:
        return None if op is Op.eq and isinstance(value, bool) else t("a yes/no fact takes `eq`")
    if rule.fact in _NUMBER:
        ok = op in (Op.eq, Op.gte, Op.lte) and type(value) is int
        return None if ok else t("a number takes `eq`, `gte` or `lte` with a number")
    choices = _CHOICES[rule.fact]
    if op in (Op.eq, Op.ne):
        return None if isinstance(value, str) and value in choices else _choices_hint(choices)
    if op in (Op.in_, Op.not_in):
        ok = isinstance(value, list) and bool(value) and set(value) <= choices
        return None if ok else _choices_hint(choices)
    return t("`{op}` does not apply to {fact}", op=op.value, fact=rule.fact.value)


def _choices_hint(choices: frozenset[str]) -> str:
    return t(
        "the value must be one of (or for in/not_in, a list of) {choices}",
        choices=", ".join(sorted(choices)),
    )


def check_rules(rules: list[Rule]) -> None:
    """Refuses a rule set the evaluator could not answer (`422 invalid_rule`)."""
    if len(rules) > MAX_RULES:
        raise InvalidRule(t("At most {MAX_RULES} rules.", MAX_RULES=MAX_RULES))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise InvalidRule(t("Rule id {rule_id!r} appears twice.", rule_id=rule.id))
        seen.add(rule.id)
        if (problem := _problem(rule)) is not None:
            raise InvalidRule(
                t(
                    "Rule {rule_id!r} ({fact}): {problem}.",
                    rule_id=rule.id,
                    fact=rule.fact.value,
                    problem=problem,
                )
            )


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _met(rule: Rule, fact: Any, today: date) -> bool:
    value = rule.value
    if rule.op is Op.within_years:
        assert isinstance(value, int)
        return bool(fact <= today <= add_years(fact, value))
    if rule.op is Op.eq:
        return bool(fact == value)
    if rule.op is Op.ne:
        return bool(fact != value)
    if rule.op is Op.in_:
        return fact in value  # type: ignore[operator]
    if rule.op is Op.not_in:
        return fact not in value  # type: ignore[operator]
    if rule.op is Op.gte:
        return bool(fact >= value)
    return bool(fact <= value)


def evaluate(rules: Iterable[Rule], facts: ApplicantFacts, today: date) -> list[RuleResult]:
    """Every rule's result, in the programme's order."""
    results = []
    for rule in rules:
        fact = getattr(facts, rule.fact.value)
        if fact is None:
            status = RuleStatus.needs_info
        else:
            status = RuleStatus.met if _met(rule, fact, today) else RuleStatus.not_met
        results.append(
            RuleResult(rule_id=rule.id, fact=rule.fact, result=status, reason=rule.reason)
        )
    return results


def outcome(results: Iterable[RuleResult]) -> Outcome:
    statuses = {r.result for r in results}
    if RuleStatus.not_met in statuses:
        return Outcome.not_eligible
    if RuleStatus.needs_info in statuses:
        return Outcome.needs_info
    return Outcome.eligible


def merge_facts(
    stated: ApplicantFacts, record: Mapping[str, Any] | None
) -> tuple[ApplicantFacts, list[Fact]]:
    """The facts judged on: the applicant's, with a graduate registration's in their place;
    and which facts came from the registration."""
    if record is None:
        return stated, []
    merged = stated.model_dump(exclude_none=True)
    taken = [f for f in FROM_GRADUATE_RECORD if record.get(f.value) is not None]
    merged.update({f.value: record[f.value] for f in taken})
    return ApplicantFacts.model_validate(merged), taken
