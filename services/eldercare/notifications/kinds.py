"""Eldercare's kinds of notice and their texts (English msgids, translated when shown)."""

from __future__ import annotations

from common.i18n import N_
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
            N_("Class seat confirmed"),
            N_(
                "A seat came free on the waitlist: "
                "the seat at {activity_title} ({starts}) is confirmed."
            ),
        ),
        Kind(
            CLASS_CHANGED,
            N_("Class changed"),
            N_("{activity_title} has changed: now {starts} to {ends} at {place}."),
        ),
        Kind(
            CLASS_CANCELLED, N_("Class cancelled"), N_("{activity_title} on {starts} is cancelled.")
        ),
        Kind(
            CLASS_TOMORROW,
            N_("Your class is tomorrow"),
            N_("{activity_title} starts at {starts} at {place}."),
        ),
        Kind(
            CARE_ASSIGNED,
            N_("Care request assigned"),
            N_("The care request for {elder_name} is assigned to {provider_name}."),
        ),
        Kind(
            CARE_COMPLETED,
            N_("Care request completed"),
            N_("The care request for {elder_name} is completed."),
        ),
        Kind(
            RENOVATION_STEP["assessed"],
            N_("Home renovation assessed"),
            N_("The home renovation for {elder_name} has been assessed."),
        ),
        Kind(
            RENOVATION_STEP["scheduled"],
            N_("Home renovation scheduled"),
            N_("The home renovation for {elder_name} is scheduled for {scheduled_for}."),
        ),
        Kind(
            RENOVATION_STEP["completed"],
            N_("Home renovation completed"),
            N_("The home renovation for {elder_name} is completed."),
        ),
        Kind(
            RENOVATION_STEP["cancelled"],
            N_("Home renovation cancelled"),
            N_("The home renovation for {elder_name} is cancelled."),
        ),
    ]
)

OUTBOX = Outbox(notification_outbox, CATALOG)
NOTIFICATIONS = Notifications(outbox=OUTBOX, inbox=notification_inbox)
