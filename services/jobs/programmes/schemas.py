"""HTTP shapes of programmes, the eligibility pre-screen and applications."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from common.districts import District
from common.validation import MAX_ID, IntegerOnly, PatchBody, patch_field
from services.jobs.fields import Description, Text200, from_jsonb
from services.jobs.programmes.rules import (
    MAX_RULES,
    ApplicantFacts,
    Fact,
    Outcome,
    Rule,
    RuleResult,
)
from services.jobs.values import ApplicationStatus

if TYPE_CHECKING:
    from services.jobs.programmes.repository import ApplicationRow, ProgrammeRow


class ProgrammeKind(StrEnum):
    rent_subsidy = "rent_subsidy"
    home_purchase_subsidy = "home_purchase_subsidy"
    startup_loan = "startup_loan"
    startup_subsidy = "startup_subsidy"
    tech_startup_grant = "tech_startup_grant"
    other = "other"


class AwardKind(StrEnum):
    """`fixed`: every award is `amount_fen`; `up_to`: the applicant asks for an amount up to
    `amount_fen` (a loan, for example)."""

    fixed = "fixed"
    up_to = "up_to"


AmountFen = Annotated[int, Field(ge=1, le=10**12, description="Fen."), IntegerOnly]
BudgetFen = Annotated[int, Field(ge=0, le=10**13, description="Fen."), IntegerOnly]
Rules = Annotated[list[Rule], Field(max_length=MAX_RULES)]


class ProgrammeCreate(BaseModel):
    """A programme with its rules (`422 invalid_rule` for a rule the evaluator cannot
    answer)."""

    model_config = ConfigDict(extra="forbid")

    name: Text200
    name_en: Text200
    kind: ProgrammeKind
    description: Description | None = None
    award_kind: AwardKind
    amount_fen: AmountFen = Field(description="The award (fixed) or its cap (up_to), fen.")
    budget_fen: BudgetFen = Field(description="What approvals may commit in all, fen.")
    allows_multiple: StrictBool = Field(
        False, description="More than one award per citizen (otherwise one)."
    )
    rules: Rules = []
    active: StrictBool = Field(True, description="Accepting applications.")


class ProgrammeUpdate(PatchBody):
    """Changes apply to applications made from now on; `rules` replaces the whole list. The
    budget cannot go below what approvals committed (`409 budget_below_committed`)."""

    model_config = ConfigDict(extra="forbid")
    nullable = frozenset({"description"})

    name: Text200 | SkipJsonSchema[None] = patch_field()
    name_en: Text200 | SkipJsonSchema[None] = patch_field()
    kind: ProgrammeKind | SkipJsonSchema[None] = patch_field()
    description: Description | None = None
    award_kind: AwardKind | SkipJsonSchema[None] = patch_field()
    amount_fen: AmountFen | SkipJsonSchema[None] = patch_field()
    budget_fen: BudgetFen | SkipJsonSchema[None] = patch_field()
    allows_multiple: StrictBool | SkipJsonSchema[None] = patch_field()
    rules: Rules | SkipJsonSchema[None] = patch_field()
    active: StrictBool | SkipJsonSchema[None] = patch_field()


class ProgrammeRead(BaseModel):
    id: int
    name: str
    name_en: str
    kind: ProgrammeKind
    description: str | None
    award_kind: AwardKind
    amount_fen: int
    budget_fen: int
    committed_fen: int = Field(description="Approved and disbursed amounts together.")
    disbursed_fen: int
    remaining_fen: int = Field(description="budget_fen − committed_fen.")
    allows_multiple: bool
    active: bool
    rules: list[Rule]
    pending: int = Field(description="Applications waiting for a decision.")
    awards: int = Field(description="Approved or disbursed applications.")
    disbursements: int = Field(description="Applications paid.")

    @classmethod
    def of(cls, row: ProgrammeRow) -> ProgrammeRead:
        return cls(
            id=row.id,
            name=row.name,
            name_en=row.name_en,
            kind=ProgrammeKind(row.kind),
            description=row.description,
            award_kind=AwardKind(row.award_kind),
            amount_fen=row.amount_fen,
            budget_fen=row.budget_fen,
            committed_fen=row.committed_fen,
            disbursed_fen=row.disbursed_fen,
            remaining_fen=row.budget_fen - row.committed_fen,
            allows_multiple=row.allows_multiple,
            active=row.active,
            rules=[Rule.model_validate(r) for r in from_jsonb(row.rules)],
            pending=row.pending,
            awards=row.awards,
            disbursements=row.disbursements,
        )


class EligibilityRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    facts: ApplicantFacts = Field(default_factory=ApplicantFacts)


class Eligibility(BaseModel):
    """Every rule's result; `missing_facts` are what to supply to turn `needs_info` into an
    answer. Nothing is stored."""

    programme_id: int
    programme_name: str
    outcome: Outcome
    eligible: bool
    rules: list[RuleResult]
    missing_facts: list[Fact]
    facts_from_graduate_record: list[Fact] = Field(
        description="Facts your graduate registration decided (what you sent for them is ignored)."
    )
    award_kind: AwardKind
    amount_fen: int = Field(description="The award (fixed) or its cap (up_to), fen.")
    evaluated_on: date = Field(description="The city's date the rules were judged on.")


class ApplicationCreate(BaseModel):
    """Apply: the rules are judged on `facts` (and your graduate registration). Not eligible
    is `422 not_eligible` listing the failing rules; an unanswered rule is `422
    facts_missing`. Nothing is stored then."""

    model_config = ConfigDict(extra="forbid")

    programme_id: Annotated[int, Field(ge=1, le=MAX_ID), IntegerOnly]
    facts: ApplicantFacts = Field(default_factory=ApplicantFacts)
    requested_amount_fen: AmountFen | None = Field(
        None, description="For an `up_to` programme: the amount asked for (≤ its cap)."
    )


class DecisionNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, Field(max_length=500)] | None = None


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=1, max_length=500)]


class ApplicationRead(BaseModel):
    id: int
    programme_id: int
    programme_name: str
    citizen_sub: str
    status: ApplicationStatus
    amount_fen: int
    district: District | None
    facts: ApplicantFacts = Field(description="The facts the application was judged on.")
    rules: list[RuleResult] = Field(description="Each rule's result when it was made.")
    applied_at: datetime
    status_changed_at: datetime
    decided_at: datetime | None
    decision_note: str | None
    disbursed_at: datetime | None
    payment_reference: str | None

    @classmethod
    def of(cls, row: ApplicationRow) -> ApplicationRead:
        return cls(
            id=row.id,
            programme_id=row.programme_id,
            programme_name=row.programme_name,
            citizen_sub=row.citizen_sub,
            status=ApplicationStatus(row.status),
            amount_fen=row.amount_fen,
            district=None if row.district is None else District(row.district),
            facts=ApplicantFacts.model_validate(from_jsonb(row.facts)),
            rules=[RuleResult.model_validate(r) for r in from_jsonb(row.rule_results)],
            applied_at=row.applied_at,
            status_changed_at=row.status_changed_at,
            decided_at=row.decided_at,
            decision_note=row.decision_note,
            disbursed_at=row.disbursed_at,
            payment_reference=row.payment_reference,
        )


class ApplicationSummary(BaseModel):
    """An application as the citizen view shows it."""

    id: int
    programme_id: int
    programme_name: str
    status: ApplicationStatus
    amount_fen: int | None
    applied_at: datetime
    decided_at: datetime | None
    decision_note: str | None = Field(
        description="The staff's note on an approval, or the reason of a rejection."
    )
    payment_reference: str | None

    @classmethod
    def of(cls, row: ApplicationRow) -> ApplicationSummary:
        return cls(
            id=row.id,
            programme_id=row.programme_id,
            programme_name=row.programme_name,
            status=ApplicationStatus(row.status),
            amount_fen=row.amount_fen,
            applied_at=row.applied_at,
            decided_at=row.decided_at,
            decision_note=row.decision_note,
            payment_reference=row.payment_reference,
        )
