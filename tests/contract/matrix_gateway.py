"""The gateway's own operations in the authorization matrix (the rest of the merged OpenAPI is
the services' tables)."""

from __future__ import annotations

from tests.contract.authorization import CITIZEN, OWNED, PUBLIC, Cell, at

RULES: dict[str, Cell] = {
    "GET /wellbeing/v1/me": Cell(CITIZEN, at("/wellbeing/v1/me")),
    "GET /wellbeing/v1/districts": Cell(PUBLIC, at("/wellbeing/v1/districts")),
    "GET /wellbeing/v1/districts/{district}": Cell(PUBLIC, at("/wellbeing/v1/districts/赛罕区")),
    "GET /wellbeing/v1/labels": Cell(PUBLIC, at("/wellbeing/v1/labels")),
    "GET /wellbeing/v1/notifications": Cell(CITIZEN, at("/wellbeing/v1/notifications")),
    # `notice`: a childcare notice of the owner's, by its merged id (`childcare-<n>`)
    "POST /wellbeing/v1/notifications/{notification_id}/read": Cell(
        OWNED, at("/wellbeing/v1/notifications/{notice}/read")
    ),
}
