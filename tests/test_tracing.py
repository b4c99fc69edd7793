"""``--otel``: a span per request, per loader batch and per LL2 call, in one trace."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from gateway import tracing
from gateway.offline import RunningUpstream
from gateway.server import tracing as server_tracing
from tests.harness import Gateway

AGENCY = 'query AgencyName { agency(id: "121") { name } }'
#: A caller's W3C trace context: its trace id and span id.
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


@pytest.fixture
def exporter(monkeypatch: pytest.MonkeyPatch) -> InMemorySpanExporter:
    memory = InMemorySpanExporter()
    monkeypatch.setattr(server_tracing, "exporter_from_env", lambda: memory)
    return memory


@pytest.fixture
async def traced(
    upstream: RunningUpstream, exporter: InMemorySpanExporter
) -> AsyncIterator[Gateway]:
    gw = await Gateway(upstream, otel=True, response_cache=False).start()
    try:
        yield gw
    finally:
        await gw.close()


def _by_name(spans: tuple[ReadableSpan, ...], prefix: str) -> list[ReadableSpan]:
    return [s for s in spans if s.name.startswith(prefix)]


async def test_a_request_its_batch_and_its_call_form_one_trace(
    upstream: RunningUpstream, exporter: InMemorySpanExporter
) -> None:
    gw = await Gateway(upstream, otel=True, response_cache=False).start()
    try:
        upstream.state.reset()
        r = await gw.query(
            AGENCY,
            headers={
                "traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01",
                "X-Request-ID": "traced-1",
            },
        )
        assert r.errors == []
        calls = len(upstream.state.log)
    finally:
        await gw.close()  # flushes the batch processor
    spans = exporter.get_finished_spans()
    (server,) = _by_name(spans, "POST /graphql")
    (batch,) = _by_name(spans, "load agencies")
    ll2 = _by_name(spans, "LL2 GET")
    assert len(ll2) == calls == 1
    assert server.kind == SpanKind.SERVER and ll2[0].kind == SpanKind.CLIENT
    assert {f"{s.context.trace_id:032x}" for s in spans} == {TRACE_ID}, "the caller's trace"
    assert server.parent is not None and f"{server.parent.span_id:016x}" == PARENT_ID
    assert batch.parent is not None and batch.parent.span_id == server.context.span_id
    assert ll2[0].parent is not None and ll2[0].parent.span_id == batch.context.span_id
    assert server.attributes is not None and batch.attributes is not None
    assert ll2[0].attributes is not None
    assert server.attributes["graphql.operation.name"] == "AgencyName"
    assert server.attributes["gateway.request_id"] == "traced-1"
    assert server.attributes["http.response.status_code"] == 200
    assert server.attributes["gateway.ll2_calls"] == 1
    assert batch.attributes["ll2.resource"] == "agencies"
    assert batch.attributes["gateway.batch.ids"] == 1
    assert ll2[0].name == "LL2 GET agencies/{id}/"
    assert ll2[0].attributes["http.response.status_code"] == 200
    assert ll2[0].attributes["url.path"] == "agencies/121/"


async def test_a_failed_call_is_marked_on_its_span(
    traced: Gateway, upstream: RunningUpstream, exporter: InMemorySpanExporter
) -> None:
    upstream.state.faults.add("status", status=500)
    r = await traced.query(AGENCY)
    assert "UPSTREAM_UNAVAILABLE" in r.codes
    await traced.close()
    (call,) = _by_name(exporter.get_finished_spans(), "LL2 GET")
    assert call.status.status_code == StatusCode.ERROR
    assert call.attributes is not None and call.attributes["error.type"] == "500"


async def test_a_warm_answer_has_no_call_span(
    traced: Gateway, exporter: InMemorySpanExporter
) -> None:
    assert (await traced.query(AGENCY)).errors == []
    assert (await traced.query(AGENCY)).errors == []  # the LL2 answer cache answers
    await traced.close()
    spans = exporter.get_finished_spans()
    assert len(_by_name(spans, "POST /graphql")) == 2
    assert len(_by_name(spans, "LL2 GET")) == 1


async def test_tracing_is_off_unless_asked(
    gateway: Gateway, exporter: InMemorySpanExporter
) -> None:
    assert tracing.active() is None
    assert (await gateway.query(AGENCY)).errors == []
    with tracing.span("anything", {"a": 1}) as span:
        span.set_attribute("b", 2)  # the no-op span takes it
    assert exporter.get_finished_spans() == ()


async def test_the_tracer_goes_with_the_gateway(traced: Gateway) -> None:
    assert tracing.active() is not None
    await traced.close()
    assert tracing.active() is None
