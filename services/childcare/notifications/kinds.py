"""Childcare's kinds of notice and their texts (English msgids, translated when shown)."""

from __future__ import annotations

from common.i18n import N_
from common.notifications.catalog import Catalog, Kind
from common.notifications.outbox import Outbox
from common.notifications.wiring import Notifications
from services.childcare.models import notification_inbox, notification_outbox

OFFER_MADE = "childcare.offer_made"
OFFER_EXPIRING = "childcare.offer_expiring"
ENROLLED = "childcare.enrolled"
WAITLIST_LEFT = "childcare.waitlist_place_given_up"

CATALOG = Catalog(
    [
        Kind(
            OFFER_MADE,
            N_("A childcare place is offered"),
            N_(
                "{child_name} is offered a place at {institution_name}. "
                "Accept it before {deadline}, or it passes to the next child."
            ),
            urgent=True,
        ),
        Kind(
            OFFER_EXPIRING,
            N_("Your childcare offer expires in 12 hours"),
            N_("The place offered to {child_name} at {institution_name} expires at {deadline}."),
            urgent=True,
        ),
        Kind(
            ENROLLED,
            N_("Enrolled"),
            N_("{child_name} is enrolled at {institution_name} from {start_date}."),
        ),
        Kind(
            WAITLIST_LEFT,
            N_("Waitlist place given up"),
            N_("{child_name} no longer holds a place on the waitlist of {institution_name}."),
        ),
    ]
)

OUTBOX = Outbox(notification_outbox, CATALOG)
NOTIFICATIONS = Notifications(outbox=OUTBOX, inbox=notification_inbox)
