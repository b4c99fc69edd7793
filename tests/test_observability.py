"""What an operator sees: X-Request-ID, the JSON access line and /metrics, over real HTTP."""

from __future__ import annotations

import json
import logging
import signal
import time
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.offline import RunningUpstream
from tests.harness import Gateway, gateway_process

AGENCY = 'query AgencyName { agency(id: "121") { name } }'

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse_metrics(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sample's value; 0 when absent (a counter never incremented)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum over every sample of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


async def scrape(gw: Gateway) -> Samples:
    assert gw.http is not None
    async with gw.http.get(f"{gw.url}/metrics") as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        return parse_metrics(await response.text())


async def headers_of(gw: Gateway, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    assert gw.http is not None
    async with gw.http.request(method, f"{gw.url}{path}", **kwargs) as response:
        await response.read()
        return response.status, response.headers


# -- X-Request-ID -------------------------------------------------------------------------


async def test_every_answer_carries_a_request_id(gateway: Gateway) -> None:
    seen = set()
    for method, path, kwargs in [
        ("POST", "/graphql", {"json": {"query": AGENCY}}),
        ("POST", "/graphql", {"json": {"query": AGENCY}}),  # the response cache's answer
        (
            "POST",
            "/graphql",
            {"data": b"{not json", "headers": {"Content-Type": "application/json"}},
        ),
        ("GET", "/graphql?query={__typename}", {}),
        ("GET", "/healthz", {}),
        ("GET", "/readyz", {}),
        ("GET", "/metrics", {}),
        ("GET", "/no/such/path", {}),
        ("PUT", "/graphql", {}),
    ]:
        status, headers = await headers_of(gateway, method, path, **kwargs)
        rid = headers.get("X-Request-ID")
        assert rid is not None and len(rid) == 32 and int(rid, 16) >= 0, (path, status)
        seen.add(rid)
    assert len(seen) == 9, "a new id for every request"


@pytest.mark.parametrize(
    "given",
    [
        "req-1",
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "Root=1-5759e988:bd862e3f.x/y+z@a",
        "a" * 128,
    ],
)
async def test_a_sane_request_id_is_kept(gateway: Gateway, given: str) -> None:
    status, headers = await headers_of(
        gateway, "POST", "/graphql", json={"query": AGENCY}, headers={"X-Request-ID": given}
    )
    assert status == 200
    assert headers["X-Request-ID"] == given


@pytest.mark.parametrize("given", ["", "a" * 129, "two words", 'quote"d', "semi;colon", "é"])
async def test_an_odd_request_id_is_replaced(gateway: Gateway, given: str) -> None:
    _, headers = await headers_of(
        gateway, "GET", "/healthz", headers={"X-Request-ID": given.encode().decode("latin-1")}
    )
    assert headers["X-Request-ID"] != given
    assert len(headers["X-Request-ID"]) == 32


# -- the access line ---------------------------------------------------------------------


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [r.access for r in caplog.records if r.name == "gateway.access"]  # type: ignore[attr-defined]


async def test_json_mode_writes_one_access_line_per_request(
    upstream: RunningUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gateway.access")
    gw = await Gateway(upstream, log_format="json").start()
    try:
        upstream.state.reset()
        cold = await gw.query(AGENCY, headers={"X-Request-ID": "cold-1"})
        warm = await gw.query(AGENCY, headers={"X-Request-ID": "warm-1"})
        bad = await gw.query("{ agency(id: 1) { nope } }", headers={"X-Request-ID": "bad-1"})
        await gw.request(
            "POST", "/graphql", data=b"{no", headers={"Content-Type": "application/json"}
        )
        await gw.request("GET", "/healthz")
        await gw.request("GET", "/readyz")
        await gw.request("GET", "/metrics")
        await gw.request("GET", "/nowhere")
        calls = len(upstream.state.log)
    finally:
        await gw.close()
    assert cold.status == warm.status == 200 and bad.status == 200 and bad.codes
    lines = access_lines(caplog)
    assert [(line["path"], line["status"]) for line in lines] == [
        ("/graphql", 200),
        ("/graphql", 200),
        ("/graphql", 200),
        ("/graphql", 400),
        ("/nowhere", 404),
    ], "probes and scrapes write no access line"
    first, second, third, refused, _ = lines
    assert refused["errors"] == ["BAD_REQUEST"] and refused["operation"] == "(none)"
    assert calls == 1
    assert first["operation"] == "AgencyName"
    assert first["ll2_calls"] == 1 and first["cache_hits"] == 0
    assert first["response_cache"] == "miss"
    assert first["errors"] == []
    assert first["duration_ms"] >= 0
    assert second["ll2_calls"] == 0 and second["response_cache"] == "hit"
    assert third["operation"] == "(anonymous)"
    assert third["errors"] == bad.codes
    records = [r for r in caplog.records if r.name == "gateway.access"]
    from gateway.server.access_log import JsonFormatter

    formatted = json.loads(JsonFormatter().format(records[0]))
    assert formatted["message"] == "POST /graphql 200"
    assert formatted["level"] == "INFO" and formatted["logger"] == "gateway.access"
    assert formatted["operation"] == "AgencyName" and formatted["ll2_calls"] == 1


async def test_text_mode_writes_no_access_line(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gateway.access")
    assert (await gateway.query(AGENCY)).status == 200
    assert access_lines(caplog) == []


async def test_a_json_gateway_process_logs_only_json(upstream: RunningUpstream) -> None:
    args = ("--log-format", "json", "--log-level", "INFO")
    async with (
        gateway_process(upstream.url, {}, *args) as (proc, url),
        aiohttp.ClientSession() as http,
    ):
        async with http.post(
            f"{url}/graphql", json={"query": AGENCY}, headers={"X-Request-ID": "proc-1"}
        ) as response:
            assert response.status == 200
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        assert proc.stderr is not None
        lines = proc.stderr.read().decode().splitlines()
    parsed = [json.loads(line) for line in lines]  # every line is JSON
    access = [p for p in parsed if p["logger"] == "gateway.access"]
    assert len(access) == 1
    assert access[0]["request_id"] == "proc-1"
    assert access[0]["operation"] == "AgencyName"
    assert access[0]["status"] == 200 and access[0]["ll2_calls"] == 1


# -- /metrics ----------------------------------------------------------------------------


async def test_metrics_count_requests_calls_and_caches(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream).start()
    try:
        upstream.state.reset()
        assert (await gw.query(AGENCY)).status == 200  # cold: one LL2 call
        assert (await gw.query(AGENCY)).status == 200  # the response cache answers
        assert (await gw.query('{ agency(id: "121") { name abbrev } }')).status == 200
        bad = await gw.query("{ agency(id: ")
        calls = len(upstream.state.log)
        samples = await scrape(gw)
    finally:
        await gw.close()
    assert bad.codes == ["GRAPHQL_PARSE_FAILED"]
    assert value(samples, "ll2gw_requests_total", operation="AgencyName", status="200") == 2
    assert value(samples, "ll2gw_requests_total", operation="(anonymous)", status="200") == 2
    assert (
        value(samples, "ll2gw_errors_total", operation="(anonymous)", code="GRAPHQL_PARSE_FAILED")
        == 1
    )
    assert value(samples, "ll2gw_request_duration_seconds_count", operation="AgencyName") == 2
    assert calls == 1
    assert total(samples, "ll2gw_upstream_calls_total") == calls
    assert (
        value(samples, "ll2gw_upstream_calls_total", endpoint="agencies/{id}/", status="200") == 1
    )
    assert (
        value(samples, "ll2gw_upstream_call_duration_seconds_count", endpoint="agencies/{id}/") == 1
    )
    assert value(samples, "ll2gw_cache_lookups_total", tier="response", result="hit") == 1
    # The unparsable document was looked up too: it lexes, so it has a key.
    assert value(samples, "ll2gw_cache_lookups_total", tier="response", result="miss") == 3
    assert value(samples, "ll2gw_cache_lookups_total", tier="ll2", result="miss") == 1
    assert value(samples, "ll2gw_cache_lookups_total", tier="ll2", result="hit") >= 1
    assert value(samples, "ll2gw_upstream_breaker_state", state="closed") == 1
    assert value(samples, "ll2gw_upstream_breaker_state", state="open") == 0


async def test_metrics_show_the_budget_left(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, upstream_rate=10).start()
    try:
        before = await scrape(gw)
        assert (await gw.query(AGENCY)).status == 200
        after = await scrape(gw)
    finally:
        await gw.close()
    assert value(before, "ll2gw_upstream_budget_rate_per_hour") == 10
    assert value(before, "ll2gw_upstream_budget_tokens") == pytest.approx(10, abs=0.01)
    assert value(after, "ll2gw_upstream_budget_tokens") == pytest.approx(9, abs=0.01)


async def test_metrics_count_failed_calls_stale_answers_and_the_open_breaker(
    upstream: RunningUpstream,
) -> None:
    gw = await Gateway(
        upstream, breaker_threshold=2, upstream_retries=0, response_cache=False
    ).start()
    try:
        upstream.state.faults.add("status", status=503)
        failed = await gw.query(AGENCY)
        assert "UPSTREAM_UNAVAILABLE" in failed.codes
        await gw.query('{ spacecraft(id: "602") { name } }')
        samples = await scrape(gw)
    finally:
        await gw.close()
    assert (
        value(samples, "ll2gw_upstream_calls_total", endpoint="agencies/{id}/", status="503") == 1
    )
    assert (
        value(samples, "ll2gw_upstream_calls_total", endpoint="spacecraft/{id}/", status="503") == 1
    )
    assert (
        value(samples, "ll2gw_errors_total", operation="AgencyName", code="UPSTREAM_UNAVAILABLE")
        == 1
    )
    assert value(samples, "ll2gw_upstream_breaker_state", state="open") == 1
    assert value(samples, "ll2gw_upstream_breaker_state", state="closed") == 0


async def test_operation_labels_are_bounded(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, metrics_operations=2).start()
    try:
        for name in ("First", "Second", "Third", "Fourth", "First"):
            assert (await gw.query(f"query {name} {{ __typename }}")).status == 200
        await gw.query("{ __typename }", headers=None)
        assert gw.http is not None
        payload = {"query": "query X { __typename }", "operationName": "not a name!"}
        async with gw.http.post(f"{gw.url}/graphql", json=payload) as response:
            await response.read()
        samples = await scrape(gw)
    finally:
        await gw.close()
    operations = {
        dict(labels)["operation"]
        for (name, labels), _ in samples.items()
        if name == "ll2gw_requests_total"
    }
    assert operations == {"First", "Second", "(other)", "(anonymous)"}
    assert value(samples, "ll2gw_requests_total", operation="First", status="200") == 2
    assert value(samples, "ll2gw_requests_total", operation="(other)", status="200") == 2
    assert total(samples, "ll2gw_requests_total", operation="(other)") == 3


async def test_metrics_can_be_switched_off(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, metrics=False).start()
    try:
        assert (await gw.query(AGENCY)).status == 200
        r = await gw.request("GET", "/metrics")
    finally:
        await gw.close()
    assert r.status == 404


async def test_workers_add_up_in_one_scrape(upstream: RunningUpstream) -> None:
    """With --workers 2 a scrape reaches one worker and still counts both workers' requests."""
    args = ("--workers", "2", "--upstream-rate", "100")
    async with gateway_process(upstream.url, {}, *args) as (_, url):
        upstream.state.reset()
        connector = aiohttp.TCPConnector(force_close=True)  # spread over the workers
        async with aiohttp.ClientSession(connector=connector) as http:
            sent = 0
            # Each worker has its own cache: its first answer costs one LL2 call. The
            # second worker may still be starting (the port answers once one listens).
            deadline = time.monotonic() + 30
            while len(upstream.state.log) < 2 and time.monotonic() < deadline:
                async with http.post(f"{url}/graphql", json={"query": AGENCY}) as response:
                    assert response.status == 200
                sent += 1
            assert len(upstream.state.log) == 2, "both workers answered"
            counted = []
            for _ in range(8):
                async with http.get(f"{url}/metrics") as response:
                    samples = parse_metrics(await response.text())
                counted.append(
                    value(samples, "ll2gw_requests_total", operation="AgencyName", status="200")
                )
                calls = total(samples, "ll2gw_upstream_calls_total")
                assert calls == 2
    assert counted == [sent] * 8
