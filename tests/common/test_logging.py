from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.tokens import DevTokens


@pytest.fixture
def log_output(probe_app: FastAPI) -> Iterator[io.StringIO]:
    """What the process writes to stdout, through the formatter the app installed."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.getLogger().handlers[0].formatter)
    logging.getLogger().addHandler(handler)
    yield out
    logging.getLogger().removeHandler(handler)


async def test_log_lines_are_json_with_request_id_and_no_id_numbers(
    probe: httpx.AsyncClient,
    tokens: DevTokens,
    log_output: io.StringIO,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await probe.post(
        "/probe/notes",
        json={"text": "11010519491231002X", "count": 1},
        headers={**tokens.headers("log-1", "citizen"), "X-Request-ID": "log-req-1"},
    )
    logging.getLogger("some.library").warning("saw id 11010519491231002X in a message")

    # our events (the access line) go straight to stdout; library loggers through logging
    ours = capsys.readouterr().out
    lines = log_output.getvalue().splitlines() + ours.splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    access = [r for r in records if r.get("msg") == "request"]
    assert access[-1]["request_id"] == "log-req-1" and access[-1]["status"] == 201
    assert access[-1]["service"] == "childcare"
    foreign = [r for r in records if r.get("logger") == "some.library"]
    assert foreign[0]["msg"] == "saw id [redacted-id] in a message"
    assert foreign[0]["level"] == "warning"
    assert "11010519491231002X" not in log_output.getvalue() + ours
