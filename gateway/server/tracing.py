"""OpenTelemetry for ``--otel``: the tracer provider, its exporter, the request's span.

Off by default, and OpenTelemetry is an extra (``pip install '.[otel]'``): nothing
here imports it unless ``--otel`` is on.  The provider is the app's own, not the
process-global one, so a host application's tracing is left alone; it reads the
standard variables (``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``,
``OTEL_TRACES_SAMPLER``...), ``OTEL_SDK_DISABLED=true`` turns it off, and
``OTEL_TRACES_EXPORTER`` picks ``otlp`` (the default: OTLP over HTTP to
``OTEL_EXPORTER_OTLP_ENDPOINT``), ``console`` or ``none``.  An incoming W3C
``traceparent`` header makes the request's span a child of the caller's.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from aiohttp import web

from gateway import tracing
from gateway.server.state import APP_STATE

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

    from gateway.server.observation import Observation

__all__ = [
    "exporter_from_env",
    "finish_request_span",
    "missing",
    "request_span",
    "tracing_context",
]

log = logging.getLogger("gateway.server")

SERVICE_NAME = "ll2-gateway"


def missing() -> str | None:
    """Why ``--otel`` cannot work here (the extra is not installed), or None."""
    import importlib.util

    if importlib.util.find_spec("opentelemetry") is None or (
        importlib.util.find_spec("opentelemetry.sdk") is None
    ):
        return "--otel needs OpenTelemetry: pip install 'll2-graphql-gateway[otel]'"
    return None


def exporter_from_env() -> SpanExporter | None:
    """The exporter ``OTEL_TRACES_EXPORTER`` names (``otlp`` by default); None for ``none``."""
    name = os.environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower()
    if name == "none":
        return None
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    if name != "otlp":
        raise ValueError(f"OTEL_TRACES_EXPORTER={name!r}: the gateway knows otlp, console, none")
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


async def tracing_context(app: web.Application) -> AsyncIterator[None]:
    """Install a tracer for the app's life when ``--otel`` is on."""
    settings = app[APP_STATE].settings
    disabled = os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"
    if not settings.otel or disabled:
        yield
        return
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise RuntimeError(
            "--otel needs OpenTelemetry: pip install 'll2-graphql-gateway[otel]'"
        ) from exc
    resource = Resource.create({"service.name": SERVICE_NAME}).merge(Resource.create())
    provider = TracerProvider(resource=resource)
    exporter = exporter_from_env()
    if exporter is not None:  # spans leave in batches, off the request's path
        provider.add_span_processor(BatchSpanProcessor(exporter))
    tracing.install(provider.get_tracer("gateway"))
    try:
        yield
    finally:
        tracing.install(None)
        provider.shutdown()  # flushes what is left to the exporter


def request_span(request: web.Request) -> AbstractContextManager[Any]:
    """The server span of one HTTP request (a no-op without a tracer)."""
    tracer = tracing.active()
    if tracer is None:
        return tracing.NO_SPAN
    from opentelemetry.propagate import extract
    from opentelemetry.trace import SpanKind

    resource = request.match_info.route.resource
    attributes = {"http.request.method": request.method, "url.path": request.path}
    name = request.method  # an unknown path: no route to name the span by
    if resource is not None:
        attributes["http.route"] = resource.canonical
        name = f"{request.method} {resource.canonical}"
    return tracer.start_as_current_span(
        name, context=extract(request.headers), kind=SpanKind.SERVER, attributes=attributes
    )


def finish_request_span(span: Any, status: int, seen: Observation) -> None:
    """What the request turned out to be, on its span."""
    from opentelemetry.trace import Status, StatusCode

    span.set_attribute("http.response.status_code", status)
    span.set_attribute("gateway.request_id", seen.request_id)
    names = [name for name in seen.operations if name is not None]
    if names:
        span.set_attribute("graphql.operation.name", ",".join(names))
    if seen.codes:
        span.set_attribute("gateway.error_codes", sorted(set(seen.codes)))
    if seen.response_cache is not None:
        span.set_attribute("gateway.response_cache", "hit" if seen.response_cache else "miss")
    if seen.context is not None:
        tally = seen.context.session.tally
        span.set_attribute("gateway.ll2_calls", tally.requests)
        span.set_attribute("gateway.cache_hits", tally.cache_hits)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))
