"""The fair-registration lifecycle: registered → cancelled (the seat returns), and nothing after."""

from __future__ import annotations

from common.lifecycle import Lifecycle

REGISTRATION = Lifecycle(
    "fair registration",
    {"registered": {"cancelled"}, "cancelled": set()},
    stamps={"cancelled": "cancelled_at"},
)
