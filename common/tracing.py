"""OpenTelemetry traces across gateway → service → PostgreSQL, off unless asked for.

Switched on by the standard variables only: `OTEL_TRACES_EXPORTER` (`otlp`, `console`, ...) or an
`OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`; `OTEL_SDK_DISABLED=true`
wins. `otlp` is OTLP over HTTP/protobuf (port 4318). Everything else — service name and
resource attributes, sampler, batch sizes, headers, propagators (W3C `traceparent` by default)
— the SDK reads from its own `OTEL_*` variables. FastAPI (server spans), the aiohttp client
(the gateway's calls, `traceparent` injected) and asyncpg (one span per SQL statement) are
instrumented; log lines carry the `trace_id` (common.logging).
"""

from __future__ import annotations

import os
from importlib.metadata import entry_points
from typing import Any

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

# routes probed every few seconds: spans of them would drown the ones that matter
UNTRACED_ROUTES = "/healthz,/readyz,/metrics"
# our name for OTLP: the HTTP/protobuf exporter is the one the image ships
_EXPORTER_ALIASES = {"otlp": "otlp_proto_http"}
_provider: list[TracerProvider] = []


def tracing_requested() -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporters:
        return exporters != "none"
    return any(
        os.environ.get(name)
        for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def _exporters() -> list[SpanExporter]:
    names = [
        n.strip()
        for n in (os.environ.get("OTEL_TRACES_EXPORTER") or "otlp").lower().split(",")
        if n.strip() and n.strip() != "none"
    ]
    found: list[SpanExporter] = []
    for name in names:
        points = entry_points(
            group="opentelemetry_traces_exporter", name=_EXPORTER_ALIASES.get(name, name)
        )
        if not points:
            raise ValueError(f"OTEL_TRACES_EXPORTER names {name!r}, which is not installed")
        found.append(next(iter(points)).load()())
    return found


def tracer_provider(service: str) -> TracerProvider | None:
    """The process's provider, made once from the environment; None when tracing is off."""
    if _provider:
        return _provider[0]
    if not tracing_requested():
        return None
    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: service}
    provider = TracerProvider(resource=Resource.create(attributes))
    for exporter in _exporters():
        provider.add_span_processor(BatchSpanProcessor(exporter))
    install(provider)
    return provider


def install(provider: TracerProvider) -> None:
    """Makes `provider` the process's own and traces every asyncpg statement with it."""
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    trace.set_tracer_provider(provider)
    AsyncPGInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
    _provider.append(provider)


def trace_app(app: FastAPI, service: str) -> None:
    """Server spans for every request of `app` (none for the probes), when tracing is on."""
    provider = tracer_provider(service)
    if provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    # one span per request: the ASGI receive/send spans would triple the count and say little
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls=UNTRACED_ROUTES,
        exclude_spans=["receive", "send"],
    )


def client_trace_configs() -> list[Any]:
    """aiohttp trace configs for the gateway's session: a client span per call to a service,
    with `traceparent` sent along; none when tracing is off."""
    if not _provider:
        return []
    from opentelemetry.instrumentation.aiohttp_client import create_trace_config

    return [create_trace_config(tracer_provider=_provider[0])]
