"""The pre-screen: every rule of a programme judged on what the citizen states and on their
graduate registration, with nothing stored — so an app can show "what you'd need" first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from common.auth import Principal
from common.clock import Clock
from common.read import Reader
from services.jobs.fields import from_jsonb
from services.jobs.graduates import repository as graduate_repository
from services.jobs.programmes import repository
from services.jobs.programmes.errors import ProgrammeNotFound
from services.jobs.programmes.repository import RulesRow
from services.jobs.programmes.rules import (
    ApplicantFacts,
    Fact,
    Outcome,
    Rule,
    RuleResult,
    RuleStatus,
    evaluate,
    merge_facts,
    outcome,
)
from services.jobs.programmes.schemas import AwardKind, Eligibility


def judge(
    programme: RulesRow,
    stated: ApplicantFacts,
    record: Mapping[str, Any] | None,
    today: date,
) -> tuple[Eligibility, ApplicantFacts]:
    """The pre-screen's answer, and the facts it judged (what an application stores)."""
    facts, from_record = merge_facts(stated, record)
    rules = [Rule.model_validate(r) for r in from_jsonb(programme.rules)]
    results = evaluate(rules, facts, today)
    result = outcome(results)
    return (
        Eligibility(
            programme_id=programme.id,
            programme_name=programme.name,
            outcome=result,
            eligible=result is Outcome.eligible,
            rules=results,
            missing_facts=_missing(results),
            facts_from_graduate_record=from_record,
            award_kind=AwardKind(programme.award_kind),
            amount_fen=programme.amount_fen,
            evaluated_on=today,
        ),
        facts,
    )


def _missing(results: list[RuleResult]) -> list[Fact]:
    return list(dict.fromkeys(r.fact for r in results if r.result is RuleStatus.needs_info))


async def prescreen(
    reader: Reader,
    *,
    citizen: Principal,
    programme_id: int,
    stated: ApplicantFacts,
    clock: Clock,
) -> Eligibility:
    today = clock.today()
    async with reader.connection() as conn:
        programme = await repository.RULES.one(conn, ProgrammeNotFound, id=programme_id)
        record = await graduate_repository.GET_MINE.row(conn, citizen=citizen.sub)
    # the registration's facts by name (rules name their facts): a mapping, on purpose
    answer, _ = judge(programme, stated, None if record is None else asdict(record), today)
    return answer
