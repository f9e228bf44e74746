"""Route dependencies shared by the childcare domains."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Path, Request

from common.auth import Principal, Role, require_roles

StaffDep = Annotated[Principal, require_roles(Role.childcare_staff)]
Id = Annotated[int, Path(ge=1, le=2**62)]


def offer_ttl(request: Request) -> timedelta:
    return timedelta(hours=request.app.state.settings.offer_ttl_hours)
