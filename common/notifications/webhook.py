"""The push gateway's side of an event: a CloudEvents 1.0 structured JSON event (the
`cloudevents` SDK), signed per Standard Webhooks (the `standardwebhooks` library) with the event
id as `webhook-id`, so a receiver verifies it and de-duplicates retries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
from cloudevents.core.bindings.http import to_structured_event
from cloudevents.core.v1.event import CloudEvent
from standardwebhooks import Webhook

from common.clock import utc_now
from common.notifications.catalog import Catalog

TYPE_PREFIX = "cn.gov.hohhot.wellbeing."


@dataclass(frozen=True)
class Event:
    """An outbox row as the push gateway gets it."""

    event_id: str
    kind: str
    recipient_sub: str
    subject: str
    params: dict[str, Any]
    occurred_at: datetime


def cloud_event(service: str, event: Event, catalog: Catalog) -> CloudEvent:
    texts = catalog.render_all(event.kind, event.params)
    return CloudEvent(
        attributes={
            "id": event.event_id,
            "source": f"/{service}/v1",
            "type": TYPE_PREFIX + event.kind,
            "subject": event.subject,
            "time": event.occurred_at,
            "datacontenttype": "application/json",
        },
        data={
            "recipient_sub": event.recipient_sub,
            "kind": event.kind,
            "params": event.params,
            "text": {lang: {"title": x.title, "body": x.body} for lang, x in texts.items()},
        },
    )


class Pusher:
    """POSTs events to one webhook URL; `send` says whether the receiver took it."""

    def __init__(self, url: str, secret: str, *, timeout: float, service: str) -> None:
        self.url = url
        self.service = service
        self._signer = Webhook(secret)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._client: aiohttp.ClientSession | None = None  # made in the running loop

    def _session(self) -> aiohttp.ClientSession:
        if self._client is None:
            # one pool for every push; a batch goes out at once
            self._client = aiohttp.ClientSession(
                timeout=self._timeout, connector=aiohttp.TCPConnector(limit=100)
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()

    async def send(self, event: Event, catalog: Catalog) -> str | None:
        """None when delivered (2xx), else a short reason (no body, no personal data)."""
        message = to_structured_event(cloud_event(self.service, event, catalog))
        # the signature's time is the wall clock: receivers check it against theirs
        now = utc_now()
        headers = {
            **message.headers,
            "webhook-id": event.event_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": self._signer.sign(event.event_id, now, message.body),
        }
        try:
            async with self._session().post(self.url, data=message.body, headers=headers) as answer:
                await answer.read()
                status = answer.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            return type(exc).__name__
        if 200 <= status < 300:
            return None
        return f"HTTP {status}"
