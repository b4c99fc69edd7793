"""The pure parts of ``python -m bench.compare``: /proc accounting, statistics, ratios,
formatting, the answer check and the small HTTP client. No timing, no npm, no node."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from graphql import parse, validate

from bench import compare
from bench.compare import (
    APOLLO,
    APOLLO_CACHE,
    GATEWAY,
    Client,
    Measure,
    Slice,
    check_line,
    descendants,
    first_difference,
    fmt,
    fmt_ratio,
    parse_head,
    percentile,
    ratio,
    render_markdown,
    stat_cpu_seconds,
    stat_ppid,
    table_rows,
)
from gateway.schema import schema

# A real line's shape: comm in parentheses may hold spaces and parentheses itself.
STAT = (
    "4242 (python -m (gw) x) S 4200 4242 4242 0 -1 4194560 51234 0 12 0 "
    "250 75 3 1 20 0 3 0 123456 456789012 23456 18446744073709551615 1 1 0 0 0 0 0 "
    "16781312 16386 0 0 0 17 1 0 0 0 0 0"
)


def test_cpu_seconds_are_utime_plus_stime_in_clock_ticks() -> None:
    # utime 250 and stime 75 ticks; the children's 3 and 1 are not counted.
    assert stat_cpu_seconds(STAT, 100) == pytest.approx(3.25)
    assert stat_cpu_seconds(STAT, 250) == pytest.approx(1.3)


def test_parent_pid_survives_a_command_name_with_parentheses() -> None:
    assert stat_ppid(STAT) == 4200


def test_process_tree_is_the_root_and_everything_below_it() -> None:
    parents = {10: 1, 11: 10, 12: 10, 13: 11, 20: 1, 21: 20}
    assert sorted(descendants(10, parents)) == [10, 11, 12, 13]
    assert descendants(99, parents) == [99]


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.99) == 99
    assert percentile(values, 1.0) == 100
    assert percentile([7.0], 0.99) == 7
    assert percentile([], 0.5) is None


def test_ratio_refuses_unknowns_and_zero_denominators() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(0.0, 8.0) == 0.0
    assert ratio(1.0, 0.0) is None
    assert ratio(None, 2.0) is None
    assert ratio(2.0, None) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "-"),
        (0.0, "0"),
        (2852.4, "2852"),
        (123.4, "123"),
        (61.04, "61.0"),
        (8.204, "8.20"),
        (0.6583, "0.658"),
        (0.0042, "0.0042"),
    ],
)
def test_fmt_keeps_about_three_significant_digits(value: float | None, text: str) -> None:
    assert fmt(value) == text


def test_fmt_ratio() -> None:
    assert fmt_ratio(0.5234) == "0.523x"
    assert fmt_ratio(12.5) == "12.5x"
    assert fmt_ratio(None) == "-"


def _slice(requests: int, **overrides: float) -> Slice:
    values = {
        "requests": requests,
        "errors": 0,
        "seconds": 2.0,
        "latencies": [0.001 * (i + 1) for i in range(requests)],
        "server_cpu": 0.5,
        "upstream_cpu": 0.1,
        "client_cpu": 0.2,
        "upstream_calls": 0,
        "rss_kb": 100 * 1024,
    }
    values.update(overrides)
    return Slice(**values)  # type: ignore[arg-type]


def test_summary_divides_totals_by_requests_served() -> None:
    measure = Measure(
        slices=[_slice(100, upstream_calls=800), _slice(100, rss_kb=120 * 1024)],
        cold_ms=[30.0, 10.0, 20.0],
        cold_calls=[8, 8, 8],
    )
    s = measure.summary()
    assert s["requests"] == 200
    assert s["rps"] == pytest.approx(50.0)  # 200 requests in 2 x 2 s
    assert s["cpu_ms"] == pytest.approx(5.0)  # 1.0 s of CPU for 200 requests
    assert s["ll2_cpu_ms"] == pytest.approx(1.0)
    assert s["calls"] == pytest.approx(4.0)
    assert s["rss_mb"] == pytest.approx(120.0)  # the largest seen
    assert s["client_cpu"] == pytest.approx(0.1)  # 0.4 s of client CPU over 4 s
    assert s["p50_ms"] == pytest.approx(50.0)  # latencies 1..100 ms, twice
    assert s["cold_ms"] == 20.0  # the median
    assert s["cold_calls"] == 8


def test_summary_of_nothing_measured_is_unknown_not_zero() -> None:
    s = Measure().summary()
    assert s["rps"] is None and s["cpu_ms"] is None and s["cold_ms"] is None


def test_table_has_a_ratio_row_per_peer() -> None:
    gateway = Measure(slices=[_slice(200, server_cpu=0.2)], cold_ms=[20.0], cold_calls=[1])
    apollo = Measure(
        slices=[_slice(100, server_cpu=0.2, upstream_calls=800)], cold_ms=[40.0], cold_calls=[8]
    )
    cached = Measure(slices=[_slice(1000, server_cpu=0.2)], cold_ms=[40.0], cold_calls=[8])
    summaries = {
        GATEWAY: gateway.summary(),
        APOLLO: apollo.summary(),
        APOLLO_CACHE: cached.summary(),
    }
    rows = table_rows(summaries, [GATEWAY, APOLLO, APOLLO_CACHE])
    assert [r[0] for r in rows] == [
        GATEWAY,
        APOLLO,
        APOLLO_CACHE,
        "gateway/apollo",
        "gateway/apollo+cache",
    ]
    columns = [key for key, _, _ in compare.COLUMNS]
    by_apollo = dict(zip(columns, rows[3][1:], strict=True))
    assert by_apollo["rps"] == "2.00x"
    assert by_apollo["cpu_ms"] == "0.500x"
    assert by_apollo["calls"] == "0x"  # the gateway made none, the peer 8 a request
    assert by_apollo["cold_ms"] == "0.500x"
    assert by_apollo["errors"] == ""  # no ratio for counts of errors
    by_cache = dict(zip(columns, rows[4][1:], strict=True))
    assert by_cache["calls"] == "-"  # 0 / 0
    assert by_cache["rps"] == "0.200x"

    markdown = render_markdown([("op", "check: apollo equal", rows)])
    lines = markdown.splitlines()
    assert lines[0].startswith("| operation | server | req/s |")
    assert len(lines) == 2 + len(rows)
    assert lines[2].startswith("| `op` | gateway |")
    assert "| *gateway/apollo* |" in lines[5]


def test_gateway_alone_has_no_ratio_rows() -> None:
    rows = table_rows({GATEWAY: Measure(slices=[_slice(10)]).summary()}, [GATEWAY])
    assert [r[0] for r in rows] == [GATEWAY]


def test_first_difference_names_the_path() -> None:
    a = {"spacecrafts": {"nodes": [{"id": "1", "name": "A"}, {"id": "2", "name": "B"}]}}
    b = json.loads(json.dumps(a))
    assert first_difference(a, b) is None
    b["spacecrafts"]["nodes"][1]["name"] = "C"
    assert first_difference(a, b) == "data.spacecrafts.nodes[1].name"
    assert first_difference({"x": [1, 2]}, {"x": [1]}) == "data.x (length 2 vs 1)"
    assert first_difference({"x": 1}, {"x": 1, "y": 2}) == "data.y"


def test_check_line_compares_data_and_counts_errors_as_different() -> None:
    answers = {
        GATEWAY: {"op": {"data": {"a": 1}, "extensions": {"upstream": {"requests": 0}}}},
        APOLLO: {"op": {"data": {"a": 1}}},
        APOLLO_CACHE: {"op": {"data": {"a": 2}}},
    }
    assert check_line("op", answers, [GATEWAY, APOLLO, APOLLO_CACHE]) == (
        "check: apollo equal, apollo+cache different at data.a"
    )
    answers[APOLLO]["op"] = {"data": {"a": 1}, "errors": [{"message": "no"}]}
    assert check_line("op", answers, [GATEWAY, APOLLO]).startswith("check: apollo different")
    assert check_line("op", answers, [GATEWAY]) == "check: no peer"


def test_parse_head() -> None:
    status, headers = parse_head(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 12\r\n\r\n"
    )
    assert status == 200
    assert headers == {"content-type": "application/json", "content-length": "12"}


async def test_client_reads_sized_and_chunked_answers_on_one_connection() -> None:
    answers = [
        b'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{"data":{}}',
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'4\r\n{"da\r\n7\r\nta":{}}\r\n0\r\n\r\n',
    ]
    received: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for answer in answers:
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(
                parse_head(b"HTTP/1.1 0 -\r\n" + head.split(b"\r\n", 1)[1])[1]["content-length"]
            )
            received.append(head + await reader.readexactly(length))
            writer.write(answer)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = Client(port)
    try:
        request = client.request_bytes(json.dumps({"query": "{ a }"}).encode())
        assert await client.send(request) == (200, b'{"data":{}}')
        assert await client.send(client.request_bytes(b"{}")) == (200, b'{"data":{}}')
    finally:
        await client.close()
        server.close()
        await server.wait_closed()
    assert received[0].startswith(b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:")
    assert received[0].endswith(b'{"query": "{ a }"}')


def test_operations_are_the_brief_s_and_valid_against_the_schema() -> None:
    ops = compare.OPERATIONS
    assert ops["spacecrafts_agency_descriptions"] == (
        "{ spacecrafts(first: 20) { nodes { id name spacecraftConfig { name "
        "agency { name description } } } } }"
    )
    assert ops["agency_by_id"] == '{ agency(id: "44") { id name } }'
    assert len(ops) >= 4
    for query in ops.values():
        assert validate(schema._schema, parse(query)) == []


def test_the_apollo_peer_is_pinned() -> None:
    folder = Path(compare.APOLLO_DIR)
    package = json.loads((folder / "package.json").read_text())
    lock = json.loads((folder / "package-lock.json").read_text())
    for name, version in package["dependencies"].items():
        assert version[0].isdigit(), f"{name} {version} is not an exact version"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert "bench/apollo/node_modules" in (folder.parent.parent / ".gitignore").read_text()
