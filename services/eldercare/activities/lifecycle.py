"""The two lifecycles of this domain: an activity (scheduled → cancelled) and a registration
(waitlisted → registered when a seat frees up; either → cancelled)."""

from __future__ import annotations

from common.i18n import N_
from common.lifecycle import Lifecycle
from services.eldercare.values import ActivityStatus, RegistrationStatus

# the names read in problem details: "A class that is cancelled cannot become scheduled"
A, R = ActivityStatus, RegistrationStatus
ACTIVITY = Lifecycle(
    N_("class"),
    ActivityStatus,
    {A.scheduled: {A.cancelled}, A.cancelled: set()},
    changed_attr="updated_at",
)
REGISTRATION = Lifecycle(
    N_("registration"),
    RegistrationStatus,
    {
        R.waitlisted: {R.registered, R.cancelled},
        R.registered: {R.cancelled},
        R.cancelled: set(),
    },
)
