"""The gateway's mirror of a service's inbox page is the services' schema, field for field (the
gateway imports no service code, so a test ties them)."""

from __future__ import annotations

from common.notifications.schemas import Notification, NotificationPage
from gateway.notifications import MergedNotification, ServiceNotice, ServiceNoticePage


def test_the_notice_mirror_has_every_field_of_the_services_notice() -> None:
    assert set(ServiceNotice.model_fields) == set(Notification.model_fields)
    assert set(ServiceNoticePage.model_fields) == set(NotificationPage.model_fields)
    for name, field in Notification.model_fields.items():
        assert ServiceNotice.model_fields[name].annotation == field.annotation, name
    # the merged notice is the same notice with a gateway-wide id
    assert set(MergedNotification.model_fields) == set(Notification.model_fields)
    assert MergedNotification.model_fields["id"].annotation is str
