"""The gateway's own response shapes: it validates what services send, it never fakes data."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class SectionStatus(StrEnum):
    ok = "ok"
    unavailable = "unavailable"
    timeout = "timeout"
    error = "error"


class Section(BaseModel):
    status: SectionStatus
    data: dict[str, Any] | None = Field(
        None, description="The service's summary; present only when status is ok."
    )
    detail: str | None = Field(None, description="Why the section could not be filled.")


class CitizenView(BaseModel):
    """One call, one JSON: each service's part of the citizen's records."""

    sub: str
    complete: bool = Field(description="False when any section could not be asked.")
    childcare: Section
    jobs: Section
    eldercare: Section


class ServiceReadiness(BaseModel):
    status: str
    checks: dict[str, str]
