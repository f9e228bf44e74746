"""The gateway's own response shapes for the citizen view: it validates what services send
against its mirrors of their contracts, and never fakes data."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from gateway.clients.childcare import ChildcareSummary
from gateway.clients.eldercare import EldercareSummary
from gateway.clients.jobs import JobsSummary


class SectionStatus(StrEnum):
    ok = "ok"
    unavailable = "unavailable"
    timeout = "timeout"
    error = "error"


_STATUS_HELP = (
    "`ok`: `data` is the service's answer (empty lists mean no records). `unavailable`: the "
    "service could not be reached (down, refusing, circuit open, or it reports itself "
    "unavailable). `timeout`: it did not answer inside the view's deadline. `error`: it answered "
    "something outside its contract (a missing route, a wrong shape): a deployment fault."
)


class Section(BaseModel):
    status: SectionStatus = Field(description=_STATUS_HELP)
    detail: str | None = Field(None, description="Why the section could not be filled.")


class ChildcareSection(Section):
    data: ChildcareSummary | None = Field(None, description="Present only when status is ok.")


class JobsSection(Section):
    data: JobsSummary | None = Field(None, description="Present only when status is ok.")


class EldercareSection(Section):
    data: EldercareSummary | None = Field(None, description="Present only when status is ok.")


class CitizenView(BaseModel):
    """One call, one JSON: each service's part of the citizen's records."""

    sub: str = Field(description="The citizen id (`sub` of the token).")
    complete: bool = Field(description="True only when every section is `ok`.")
    childcare: ChildcareSection
    jobs: JobsSection
    eldercare: EldercareSection
