"""Route dependencies shared by the eldercare domains."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from common.auth import Principal, Role, require_roles
from common.validation import MAX_ID

StaffDep = Annotated[Principal, require_roles(Role.eldercare_staff)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def request_id(request: Request) -> str | None:
    """The request id the middleware accepted or generated (it goes into audit rows)."""
    found: str | None = request.state.request_id
    return found


RequestIdDep = Annotated[str | None, Depends(request_id)]
ElderReaderDep = Annotated[Principal, require_roles(Role.citizen, Role.eldercare_staff)]
