"""The two lifecycles of this domain: an activity (scheduled → cancelled) and a registration
(waitlisted → registered when a seat frees up; either → cancelled)."""

from __future__ import annotations

from common.lifecycle import Lifecycle

# the names read in problem details: "A class that is cancelled cannot become scheduled"
ACTIVITY = Lifecycle(
    "class", {"scheduled": {"cancelled"}, "cancelled": set()}, changed_attr="updated_at"
)
REGISTRATION = Lifecycle(
    "registration",
    {
        "waitlisted": {"registered", "cancelled"},
        "registered": {"cancelled"},
        "cancelled": set(),
    },
)
