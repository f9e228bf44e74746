"""Route dependencies shared by the eldercare domains."""

from __future__ import annotations

from typing import Annotated

from common.auth import Principal, Role, require_roles

StaffDep = Annotated[Principal, require_roles(Role.eldercare_staff)]
ElderReaderDep = Annotated[Principal, require_roles(Role.citizen, Role.eldercare_staff)]
