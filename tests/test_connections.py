"""Connection hygiene, on raw sockets: malformed requests, slow and short requests,
idle connections, the connection cap, and a flood under a 256-file limit."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import resource
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from gateway.offline import RunningUpstream
from gateway.server.connections import ConnectionGuard, connection_cap, listen_backlog
from gateway.server.serving import quiet_accept_errors
from gateway.throttled_log import ThrottledLog
from tests.harness import Gateway, free_port

POST = b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
TYPENAME = b'{"query":"{ __typename }"}'


async def exchange(
    gw: Gateway, *parts: bytes | float, eof: bool = False, wait: float = 15.0
) -> tuple[int | None, dict[str, Any] | None, bytes]:
    """Send ``parts`` (a float: pause that long), read until the gateway closes; the
    status, the JSON body (None if none) and the raw answer."""
    host, port = gw.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        for part in parts:
            if isinstance(part, float):
                await asyncio.sleep(part)
            else:
                writer.write(part)
                await writer.drain()
        if eof:
            writer.write_eof()
        raw = await asyncio.wait_for(reader.read(), wait)
    finally:
        writer.close()
    if not raw:
        return None, None, raw
    head, _, body = raw.partition(b"\r\n\r\n")
    try:
        decoded = json.loads(body)
    except ValueError:  # none, or more than one answer
        decoded = None
    return int(head.split()[1]), decoded, raw


def assert_json_error(status: int | None, body: Any, raw: bytes, expected: int, code: str) -> str:
    assert status == expected, raw
    assert b"application/json" in raw.partition(b"\r\n\r\n")[0]
    assert body.keys() == {"data", "errors"} and body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": code}
    assert b"Traceback" not in raw
    message: str = error["message"]
    return message


@pytest.fixture
def quiet_log(caplog: pytest.LogCaptureFixture) -> Any:
    """No ERROR and no traceback in the log; at most one WARNING of the server's."""
    caplog.set_level(logging.INFO)
    yield caplog
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info]
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) <= 1


@pytest.fixture
async def gw(upstream: RunningUpstream) -> AsyncIterator[Gateway]:
    gateway = await Gateway(upstream, header_timeout=0.5, body_timeout=0.5).start()
    try:
        yield gateway
    finally:
        await gateway.close()


# -- malformed requests ----------------------------------------------------------------

MALFORMED = {
    "content-length not a number": POST + b"Content-Length: abc\r\n\r\n{}",
    "negative content-length": POST + b"Content-Length: -5\r\n\r\n{}",
    "two content-lengths": POST + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    "NUL in a header": b"GET /graphql HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
    "over-long header": b"GET /graphql HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 9000 + b"\r\n\r\n",
    "over-long URL": b"GET /graphql?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "too many headers": b"GET / HTTP/1.1\r\n"
    + b"".join(b"X-%d: a\r\n" % i for i in range(200))
    + b"\r\n",
    "content-length and transfer-encoding": POST
    + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "bad chunk size": POST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "not HTTP at all": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
async def test_malformed_requests_get_the_json_error(
    gw: Gateway, quiet_log: pytest.LogCaptureFixture, raw: bytes
) -> None:
    message = assert_json_error(*await exchange(gw, raw), 400, "BAD_REQUEST")
    assert "\\x" not in message and "aaaa" not in message  # the client's bytes stay out
    assert gw.upstream_calls() == []


async def test_a_flood_of_malformed_requests_logs_one_line(
    gw: Gateway, quiet_log: pytest.LogCaptureFixture
) -> None:
    for raw in list(MALFORMED.values()) * 3:
        await exchange(gw, raw)
    lines = [r for r in quiet_log.records if r.name == "gateway.server"]
    assert len(lines) == 1 and "malformed HTTP request" in lines[0].getMessage()


# -- slow and short requests -----------------------------------------------------------


async def test_a_slow_body_gets_408(gw: Gateway, quiet_log: pytest.LogCaptureFixture) -> None:
    answer = await exchange(gw, POST + b"Content-Length: 100\r\n\r\n" + b'{"query":')
    assert "did not arrive" in assert_json_error(*answer, 408, "REQUEST_TIMEOUT")


async def test_a_body_cut_short_gets_400(gw: Gateway, quiet_log: pytest.LogCaptureFixture) -> None:
    answer = await exchange(gw, POST + b"Content-Length: 100\r\n\r\n" + b'{"query":', eof=True)
    assert "ended before" in assert_json_error(*answer, 400, "BAD_REQUEST")


async def test_a_bad_chunk_after_the_headers_gets_400(
    gw: Gateway, quiet_log: pytest.LogCaptureFixture
) -> None:
    answer = await exchange(
        gw, POST + b"Transfer-Encoding: chunked\r\n\r\n", 0.1, b'5\r\n{"que\r\n', 0.1, b"zz\r\n"
    )
    assert "chunk" in assert_json_error(*answer, 400, "BAD_REQUEST")


async def test_slow_headers_get_408_and_an_idle_connection_is_closed(
    gw: Gateway, quiet_log: pytest.LogCaptureFixture
) -> None:
    answer = await exchange(gw, b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
    assert "headers" in assert_json_error(*answer, 408, "REQUEST_TIMEOUT")
    assert await exchange(gw) == (None, None, b"")  # nothing sent: closed, nothing said


async def test_keep_alive_serves_requests_then_closes_when_idle(upstream: RunningUpstream) -> None:
    gateway = await Gateway(upstream, keepalive_timeout=0.3, header_timeout=5).start()
    try:
        request = POST + b"Content-Length: %d\r\n\r\n" % len(TYPENAME) + TYPENAME
        _, _, raw = await exchange(gateway, request, 0.1, request)
        assert raw.count(b"HTTP/1.1 200 OK") == 2  # both answered, then closed when idle
    finally:
        await gateway.close()


# -- the connection cap ----------------------------------------------------------------


async def test_at_the_cap_the_oldest_idle_connection_gives_way(upstream: RunningUpstream) -> None:
    gateway = await Gateway(upstream, max_connections=2, header_timeout=30).start()
    host, port = gateway.url.removeprefix("http://").split(":")
    idle = [await asyncio.open_connection(host, int(port)) for _ in range(2)]
    try:
        await asyncio.sleep(0.1)
        assert gateway.state.settings.max_connections == 2
        async with (  # a third client is served
            aiohttp.ClientSession() as http,
            http.post(
                f"{gateway.url}/graphql",
                data=TYPENAME,
                headers={"Content-Type": "application/json"},
            ) as response,
        ):
            assert response.status == 200
        oldest_reader = idle[0][0]
        assert await asyncio.wait_for(oldest_reader.read(), 5) == b""  # closed for it
    finally:
        for _, writer in idle:
            writer.close()
        await gateway.close()


async def test_at_the_cap_with_every_connection_busy_a_new_one_gets_503(
    upstream: RunningUpstream,
) -> None:
    gateway = await Gateway(upstream, max_connections=2, body_timeout=30).start()
    host, port = gateway.url.removeprefix("http://").split(":")
    busy = []
    try:
        for _ in range(2):  # headers sent, body still coming: busy
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(POST + b"Content-Length: 100\r\n\r\n{")
            await writer.drain()
            busy.append((reader, writer))
        await asyncio.sleep(0.1)
        answer = await exchange(gateway)
        message = assert_json_error(*answer, 503, "TOO_MANY_CONNECTIONS")
        assert "retry" in message and b"Retry-After: 1" in answer[2]
    finally:
        for _, writer in busy:
            writer.close()
        await gateway.close()


def test_the_cap_leaves_room_under_the_file_limit() -> None:
    assert [listen_backlog(limit) for limit in (None, 20000, 1024, 256, 32)] == [
        128,
        128,
        128,
        32,
        8,
    ]
    assert connection_cap(1000, upstream_connections=20, backlog=128, limit=None) == 1000
    assert connection_cap(1000, upstream_connections=20, backlog=128, limit=20000) == 1000
    assert connection_cap(1000, upstream_connections=20, backlog=128, limit=1024) == 664
    assert connection_cap(1000, upstream_connections=20, backlog=32, limit=256) == 88
    assert connection_cap(1000, upstream_connections=20, backlog=8, limit=64) == 8
    assert connection_cap(3, upstream_connections=20, backlog=128, limit=None) == 3


def test_the_guard_evicts_the_silent_first_and_refuses_when_all_are_busy() -> None:
    class Conn:
        def __init__(self, rank: int | None) -> None:
            self.idle_rank = rank
            self.evicted = False

        def evict(self) -> None:
            self.evicted = True

    guard = ConnectionGuard(3)
    kept_alive, busy, silent = Conn(2), Conn(None), Conn(0)
    assert guard.admit(kept_alive) and guard.admit(busy) and guard.admit(silent)
    newcomer = Conn(0)
    assert guard.admit(newcomer) and silent.evicted and not kept_alive.evicted
    newcomer.idle_rank = None
    assert guard.admit(Conn(None)) and kept_alive.evicted  # the proven client goes last
    assert not guard.admit(Conn(0))  # all busy
    assert (guard.evicted, guard.refused, len(guard)) == (2, 1, 3)
    guard.release(busy)
    assert guard.admit(Conn(0))


def test_failed_accepts_are_one_line_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[dict[str, Any]] = []
    handle = quiet_accept_errors(
        lambda loop, context: seen.append(context),
        ThrottledLog(logging.getLogger("gateway.server")),
    )
    loop = asyncio.new_event_loop()
    try:
        with caplog.at_level(logging.WARNING, logger="gateway.server"):
            for _ in range(50):
                handle(
                    loop,
                    {
                        "message": "socket.accept() out of system resource",
                        "exception": OSError(errno.EMFILE, "Too many open files"),
                    },
                )
            handle(loop, {"message": "something else"})
    finally:
        loop.close()
    [line] = caplog.records
    assert "cannot accept connections" in line.getMessage() and line.exc_info is None
    assert seen == [{"message": "something else"}]


# -- a flood under a 256-file limit ----------------------------------------------------


def _limit_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


async def test_400_idle_connections_on_256_files_and_a_new_client_is_served(
    upstream: RunningUpstream,
) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gateway",
            "serve",
            "--port",
            str(port),
            "--upstream",
            upstream.url,
            "--log-level",
            "INFO",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_limit_files,
    )
    flood: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "did not start"
                await asyncio.sleep(0.05)
        for _ in range(400):  # connect and say nothing
            s = socket.socket()
            s.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                s.connect(("127.0.0.1", port))
            flood.append(s)
        await asyncio.sleep(0.5)
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            for _ in range(3):
                async with http.post(
                    f"http://127.0.0.1:{port}/graphql",
                    data=TYPENAME,
                    headers={"Content-Type": "application/json"},
                ) as response:
                    assert response.status == 200
                    assert (await response.json())["data"] == {"__typename": "Query"}
    finally:
        for s in flood:
            s.close()
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    log = stderr.decode()
    assert "Traceback" not in log and " ERROR " not in log, log
    assert len(log.splitlines()) <= 5, log
