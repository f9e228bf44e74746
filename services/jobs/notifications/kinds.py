"""Jobs' kinds of notice and their texts (English msgids, translated when shown)."""

from __future__ import annotations

from common.i18n import N_
from common.notifications.catalog import Catalog, Kind
from common.notifications.outbox import Outbox
from common.notifications.wiring import Notifications
from services.jobs.models import notification_inbox, notification_outbox

FAIR_REGISTERED = "jobs.fair_registration_confirmed"
FAIR_TOMORROW = "jobs.fair_tomorrow"
APPROVED = "jobs.application_approved"
REJECTED = "jobs.application_rejected"
PAID = "jobs.application_paid"

CATALOG = Catalog(
    [
        Kind(
            FAIR_REGISTERED,
            N_("Job fair registration confirmed"),
            N_("Your seat at {fair_name} ({venue}) on {starts} is confirmed."),
        ),
        Kind(
            FAIR_TOMORROW,
            N_("Your job fair is tomorrow"),
            N_("{fair_name} starts at {starts} at {venue}."),
        ),
        Kind(
            APPROVED,
            N_("Support application approved"),
            N_("Your application to {programme_name} is approved: {amount_yuan} yuan."),
        ),
        Kind(
            REJECTED,
            N_("Support application not approved"),
            N_("Your application to {programme_name} was not approved: {reason}"),
        ),
        Kind(
            PAID,
            N_("Support paid"),
            N_("{amount_yuan} yuan of {programme_name} is paid (reference {payment_reference})."),
        ),
    ]
)

OUTBOX = Outbox(notification_outbox, CATALOG)
NOTIFICATIONS = Notifications(outbox=OUTBOX, inbox=notification_inbox)
