"""The fair-registration lifecycle: registered → cancelled (the seat returns), and nothing after."""

from __future__ import annotations

from common.i18n import N_
from common.lifecycle import Lifecycle
from services.jobs.values import RegistrationStatus

REGISTRATION = Lifecycle(
    N_("fair registration"),
    RegistrationStatus,
    {
        RegistrationStatus.registered: {RegistrationStatus.cancelled},
        RegistrationStatus.cancelled: set(),
    },
    stamps={"cancelled": "cancelled_at"},
)
