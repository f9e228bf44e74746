"""Route dependencies shared by the childcare domains."""

from __future__ import annotations

from typing import Annotated

from common.auth import Principal, Role, require_roles

StaffDep = Annotated[Principal, require_roles(Role.childcare_staff)]
