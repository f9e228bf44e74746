"""Eldercare's kinds of notice and their texts (English msgids, translated when shown)."""

from __future__ import annotations

from common.notifications.catalog import Catalog, Kind
from common.notifications.outbox import Outbox
from common.notifications.wiring import Notifications
from services.eldercare.models import notification_inbox, notification_outbox

SEAT_GIVEN = "eldercare.class_seat_from_waitlist"
CLASS_CHANGED = "eldercare.class_changed"
CLASS_CANCELLED = "eldercare.class_cancelled"
CLASS_TOMORROW = "eldercare.class_tomorrow"
CARE_ASSIGNED = "eldercare.care_request_assigned"
CARE_COMPLETED = "eldercare.care_request_completed"
RENOVATION_STEP = {
    "assessed": "eldercare.renovation_assessed",
    "scheduled": "eldercare.renovation_scheduled",
    "completed": "eldercare.renovation_completed",
    "cancelled": "eldercare.renovation_cancelled",
}

CATALOG = Catalog(
    [
        Kind(
            SEAT_GIVEN,
            "Class seat confirmed",
            "A seat came free on the waitlist: "
            "the seat at {activity_title} ({starts}) is confirmed.",
        ),
        Kind(
            CLASS_CHANGED,
            "Class changed",
            "{activity_title} has changed: now {starts} to {ends} at {place}.",
        ),
        Kind(CLASS_CANCELLED, "Class cancelled", "{activity_title} on {starts} is cancelled."),
        Kind(
            CLASS_TOMORROW,
            "Your class is tomorrow",
            "{activity_title} starts at {starts} at {place}.",
        ),
        Kind(
            CARE_ASSIGNED,
            "Care request assigned",
            "The care request for {elder_name} is assigned to {provider_name}.",
        ),
        Kind(
            CARE_COMPLETED,
            "Care request completed",
            "The care request for {elder_name} is completed.",
        ),
        Kind(
            RENOVATION_STEP["assessed"],
            "Home renovation assessed",
            "The home renovation for {elder_name} has been assessed.",
        ),
        Kind(
            RENOVATION_STEP["scheduled"],
            "Home renovation scheduled",
            "The home renovation for {elder_name} is scheduled for {scheduled_for}.",
        ),
        Kind(
            RENOVATION_STEP["completed"],
            "Home renovation completed",
            "The home renovation for {elder_name} is completed.",
        ),
        Kind(
            RENOVATION_STEP["cancelled"],
            "Home renovation cancelled",
            "The home renovation for {elder_name} is cancelled.",
        ),
    ]
)

OUTBOX = Outbox(notification_outbox, CATALOG)
NOTIFICATIONS = Notifications(outbox=OUTBOX, inbox=notification_inbox)
