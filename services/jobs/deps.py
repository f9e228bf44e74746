"""Route dependencies shared by the jobs domains."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from common.auth import Principal, Role, require_roles
from common.validation import MAX_ID

StaffDep = Annotated[Principal, require_roles(Role.jobs_staff)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
