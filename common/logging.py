"""JSON-lines logs on stdout; every line carries the request id bound by the middleware."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

# 18-character PRC national ID numbers must never reach a log line in clear
_ID_NUMBER = re.compile(r"\b\d{17}[\dXx]\b")


def _redact_id_numbers(
    _: Any, __: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if isinstance(value, str) and _ID_NUMBER.search(value):
            event[key] = _ID_NUMBER.sub("[redacted-id]", value)
    return event


def configure_logging(level: str = "INFO", service: str = "wellbeing") -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=level.upper(), force=True)
    # uvicorn's own access log duplicates ours and lacks the request id
    logging.getLogger("uvicorn.access").disabled = True
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact_id_numbers,
            structlog.processors.EventRenamer("msg"),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
