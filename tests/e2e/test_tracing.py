"""One trace across two real processes: the gateway's server and client spans, the service's
server span and its SQL span, exported by each process over OTLP (as production does) into an
in-memory collector in the test; the service's log line carries the same trace_id. With no
OTEL_* variable a process exports nothing."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from common.provisioning import ProvisionedDatabase, scratch_database
from common.registry import GATEWAY, process
from common.tracing import tracing_requested
from tests.fixtures.processes import served
from tests.fixtures.tokens import DevTokens
from wellbeing.seeding import seed_service

pytestmark = pytest.mark.e2e


@dataclass
class Exported:
    service: str
    span: Span
    attributes: dict[str, str] = field(default_factory=dict)


class Collector(ThreadingHTTPServer):
    """An OTLP/HTTP trace receiver that keeps every span in memory."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Receive)
        self.spans: list[Exported] = []
        self.lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def wait_for(self, ready: object, timeout: float = 30) -> list[Exported]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                spans = list(self.spans)
            if callable(ready) and ready(spans):
                return spans
            time.sleep(0.05)
        raise AssertionError(f"spans never arrived: {[(s.service, s.span.name) for s in spans]}")


class _Receive(BaseHTTPRequestHandler):
    server: Collector

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = ExportTraceServiceRequest.FromString(body)
        with self.server.lock:
            for resource_spans in request.resource_spans:
                resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
                for scope in resource_spans.scope_spans:
                    for span in scope.spans:
                        attributes = {
                            a.key: str(getattr(a.value, a.value.WhichOneof("value") or ""))
                            for a in span.attributes
                        }
                        self.server.spans.append(
                            Exported(resource["service.name"], span, attributes)
                        )
        reply = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[Collector]:
    server = Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_one_trace_runs_from_the_gateway_through_a_service_to_postgresql(
    db: ProvisionedDatabase, tokens: DevTokens, collector: Collector, tmp_path: Path
) -> None:
    otel = {
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "50",
    }
    auth = {"ENVIRONMENT": "development", "DEV_KEY_FILE": str(tokens.public_key)}
    log = tmp_path / "childcare.log"
    with scratch_database(db.admin_url) as urls:
        asyncio.run(seed_service("childcare", urls["childcare"]))
        service_env = {**auth, **otel, "DATABASE_URL": urls["childcare"], "LOG_LEVEL": "INFO"}
        with served(process("childcare").app_factory, service_env, log_path=log) as childcare:
            gateway_env = {
                **auth,
                **otel,
                "CHILDCARE_URL": childcare,
                "STARTUP_WARM_SECONDS": "0",
                "LOG_LEVEL": "WARNING",
            }
            with served(GATEWAY.app_factory, gateway_env, ready_path="/healthz") as gateway:
                reply = httpx.get(f"{gateway}/childcare/v1/institutions", params={"limit": 3})
                assert reply.status_code == 200
                request_id = reply.headers["x-request-id"]

                spans = collector.wait_for(lambda spans: _request_trace(spans) is not None)

    ours = _request_trace(spans)
    assert ours is not None
    by_id = {s.span.span_id: s for s in ours}
    gateway_server = _one(ours, "gateway", Span.SPAN_KIND_SERVER)
    gateway_client = _one(ours, "gateway", Span.SPAN_KIND_CLIENT)
    service_server = _one(ours, "childcare", Span.SPAN_KIND_SERVER)
    # W3C traceparent carried the gateway's client span into the service's server span
    assert gateway_client.span.parent_span_id == gateway_server.span.span_id
    assert service_server.span.parent_span_id == gateway_client.span.span_id
    sql = [s for s in ours if "db.system" in s.attributes]
    assert {s.service for s in sql} == {"childcare"}
    assert any("institution" in s.attributes.get("db.statement", "") for s in sql)
    for statement in sql:  # each SQL span hangs below the service's request
        parent = by_id.get(statement.span.parent_span_id)
        while parent is not None and parent is not service_server:
            parent = by_id.get(parent.span.parent_span_id)
        assert parent is service_server
    # the access line of that request names the trace
    (line,) = [
        json.loads(raw)
        for raw in log.read_text().splitlines()
        if raw.startswith("{") and json.loads(raw).get("request_id") == request_id
    ]
    assert line["trace_id"] == gateway_server.span.trace_id.hex()


def _request_trace(spans: list[Exported]) -> list[Exported] | None:
    """The spans of the trace the gateway started for the proxied request, once the service's
    server span and a SQL span of it have arrived."""
    started = [
        s
        for s in spans
        if s.service == "gateway"
        and s.span.kind == Span.SPAN_KIND_SERVER
        and s.span.name.startswith("GET /childcare/")
    ]
    if len(started) != 1:
        return None
    trace = [s for s in spans if s.span.trace_id == started[0].span.trace_id]
    kinds = {(s.service, s.span.kind) for s in trace}
    has_sql = any("db.system" in s.attributes for s in trace)
    return trace if ("childcare", Span.SPAN_KIND_SERVER) in kinds and has_sql else None


def _one(spans: list[Exported], service: str, kind: int) -> Exported:
    found = [s for s in spans if s.service == service and s.span.kind == kind]
    assert len(found) == 1, [(s.service, s.span.name, s.span.kind) for s in spans]
    return found[0]


def test_tracing_is_off_unless_the_otel_variables_ask(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SDK_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    assert not tracing_requested()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    assert tracing_requested()
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    assert not tracing_requested()
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert not tracing_requested()
