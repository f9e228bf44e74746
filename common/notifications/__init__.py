"""Notifications (DESIGN §10): what a person must learn is written to the service's outbox in the
same transaction as the change that causes it (`outbox.py`); a dispatcher in every service process
moves each due event exactly once into the person's inbox and, when `NOTIFY_WEBHOOK_URL` is set,
at least once to the push gateway as a signed CloudEvent (`dispatcher.py`, `webhook.py`); the
citizen pages and marks their inbox, admins list what could not be pushed (`routes.py`).

Infrastructure only: each service names its own kinds and their texts (`catalog.Kind`) in its
`services/<svc>/notifications/` package and calls `Outbox.emit` from its rules.
"""
