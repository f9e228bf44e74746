"""The two lifecycles of this domain: an activity (scheduled → cancelled) and a registration
(waitlisted → registered when a seat frees up; either → cancelled)."""

from __future__ import annotations

from common.lifecycle import Lifecycle

ACTIVITY = Lifecycle(
    "activity", {"scheduled": {"cancelled"}, "cancelled": set()}, changed_attr="updated_at"
)
REGISTRATION = Lifecycle(
    "activity registration",
    {
        "waitlisted": {"registered", "cancelled"},
        "registered": {"cancelled"},
        "cancelled": set(),
    },
)
