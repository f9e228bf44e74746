from __future__ import annotations

import json
import logging

import httpx
from fastapi import FastAPI

from tests.fixtures.plugin import LogOutput
from tests.fixtures.tokens import DevTokens


async def test_log_lines_are_json_with_request_id_and_no_id_numbers(
    probe: httpx.AsyncClient,
    tokens: DevTokens,
    probe_app: FastAPI,
    log_output: LogOutput,
) -> None:
    await probe.post(
        "/probe/notes",
        json={"text": "11010519491231002X", "count": 1},
        headers={**tokens.headers("log-1", "citizen"), "X-Request-ID": "log-req-1"},
    )
    logging.getLogger("some.library").warning("saw id 11010519491231002X in a message")

    lines = log_output.getvalue().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    access = [r for r in records if r.get("msg") == "request"]
    assert access[-1]["request_id"] == "log-req-1" and access[-1]["status"] == 201
    assert access[-1]["service"] == "childcare"
    foreign = [r for r in records if r.get("logger") == "some.library"]
    assert foreign[0]["msg"] == "saw id [redacted-id] in a message"
    assert foreign[0]["level"] == "warning"
    assert "11010519491231002X" not in log_output.getvalue()
