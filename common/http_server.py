"""The HTTP/1.1 protocol every process of ours serves (`uvicorn --http
common.http_server:HeaderLimitedHttpToolsProtocol`, see `wellbeing/processes.py`): uvicorn's
httptools protocol with a limit on the request head.

httptools (llhttp) has no limit of its own: it gathers a header value by concatenating every
chunk that arrives, so one 50 MB header held a connection for seconds, stalled every other
client of the process and grew its memory for good. Here a request whose request line plus
headers pass `HEAD_LIMIT_BYTES` is answered `431` problem+json as soon as the limit is passed,
before the rest is read, and its connection is closed; the application never sees it.

On SIGTERM uvicorn closes every connection without a request under way. A connection the
client has just opened, or whose request head is still arriving, carries a request on its
way: closing it cleanly looks to the client exactly like a crash after reading the request
(outcome unknown, gateway/clients/failures.py). Such a connection is kept for its request,
which is served and then closes the connection; a new one that sends nothing is closed after
`ARRIVAL_GRACE_SECONDS`. Idle keep-alive connections are closed as before (a client sending on
one as it closes knows it was a pooled connection, and that nothing was read).

Why not h11 with uvicorn's `h11_max_incomplete_event_size`: it answers the same case with a
plain-text `400`, and h11 parses in pure Python (see docs/operations.md for the measurements).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from common.i18n import DEFAULT_LANG, t

HEAD_LIMIT_BYTES = 16 * 1024
# after a refusal, what the client is still sending is read and dropped for this long before
# the connection closes: closing on unread input would reset it, and a reset can destroy the
# answer before the client reads it
LINGER_SECONDS = 1.0
# on shutdown, how long a connection that has sent nothing yet may take to start its request
ARRIVAL_GRACE_SECONDS = 2.0


def _refusal(status: int, phrase: str, code: str, detail: str, default_headers: Any) -> bytes:
    # the head was never read, so neither was Accept-Language: the default language answers
    body = json.dumps(
        {
            "type": "about:blank",
            "title": t(phrase, DEFAULT_LANG),
            "status": status,
            "detail": detail,
            "code": code,
        },
        ensure_ascii=False,
    ).encode()
    lines = [f"HTTP/1.1 {status} {phrase}".encode()]
    lines += [name + b": " + value for name, value in default_headers]
    lines += [
        b"content-type: application/problem+json",
        b"content-language: " + DEFAULT_LANG.encode(),
        b"content-length: " + str(len(body)).encode(),
        b"connection: close",
        b"x-request-id: " + uuid.uuid4().hex.encode(),
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class HeaderLimitedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._in_head = False
        # bytes of the head so far: whole chunks that ended inside it, and the parsed parts
        self._head_received = 0
        self._head_parsed = 0
        self._refused = False
        self._stopping = False

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # answered already; dropped until the connection closes
        super().data_received(data)
        if self._in_head and not self._refused:
            self._head_received += len(data)
            if self._head_received > HEAD_LIMIT_BYTES:
                self._refused = True
        if self._refused:
            self._refuse_head()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_received = self._head_parsed = 0

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._head_parsed += len(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._head_parsed += len(name) + len(value) + 4  # ": " and CRLF

    def on_headers_complete(self) -> None:
        self._in_head = False
        # a head that arrived within one chunk is measured here, before the app is started
        if self._head_parsed > HEAD_LIMIT_BYTES:
            self._refused = True
            return
        super().on_headers_complete()
        if self._stopping and self.cycle is not None:
            self.cycle.keep_alive = False  # served, then closed: the server is stopping

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()

    def shutdown(self) -> None:
        self._stopping = True
        if self._in_head:
            return  # a request is arriving: served, then closed (or cut at the graceful timeout)
        if self.cycle is None:
            # just opened: its request may be on its way; served if it comes in time
            self.loop.call_later(ARRIVAL_GRACE_SECONDS, self._close_if_nothing_arrived)
            return
        super().shutdown()

    def _close_if_nothing_arrived(self) -> None:
        if self.cycle is None and not self._in_head and not self.transport.is_closing():
            self.transport.close()

    def _refuse_head(self) -> None:
        self.logger.warning("Request head over %d bytes refused (431).", HEAD_LIMIT_BYTES)
        self.transport.write(
            _refusal(
                431,
                "Request Header Fields Too Large",
                "request_headers_too_large",
                t(
                    "The request line and headers are limited to {limit} bytes.",
                    DEFAULT_LANG,
                    limit=HEAD_LIMIT_BYTES,
                ),
                self.server_state.default_headers,
            )
        )
        if self.transport.can_write_eof():
            self.transport.write_eof()  # the client sees the whole answer and its end now
        self.loop.call_later(LINGER_SECONDS, self.transport.close)
