"""Route dependencies shared by the jobs domains."""

from __future__ import annotations

from typing import Annotated

from common.auth import Principal, Role, require_roles

StaffDep = Annotated[Principal, require_roles(Role.jobs_staff)]
