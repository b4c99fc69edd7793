"""``LL2Client`` over real sockets, with its default transport (aiohttp's client under
httpx) and with httpx's own: every failure maps to the same ``UpstreamError`` either way,
connections are kept alive and bounded, and closing the client releases everything.

The servers here are scripted at the byte level (:class:`Scripted`), so that a failure
(no answer, half a body, not HTTP) is exactly what a misbehaving LL2 would send.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import gzip
import socket
import ssl
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx
import orjson
import pytest

from gateway.errors import (
    UpstreamBadResponse,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.offline import RunningUpstream
from gateway.upstream.client import LL2Client
from gateway.upstream.transport import AiohttpTransport


@dataclass(frozen=True)
class Hangup:
    """Send ``data`` (perhaps nothing), then close the connection."""

    data: bytes = b""


#: What a script answers to one request head: the bytes to send, or a hang-up.
Script = Callable[[bytes], Awaitable[bytes | Hangup]]
TRANSPORTS = ["aiohttp", "httpx"]


def http(
    status: int, body: bytes = b"", *headers: tuple[str, str], length: int | None = None
) -> bytes:
    lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body) if length is None else length}"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def ok(data: Any) -> bytes:
    return http(200, orjson.dumps(data), ("Content-Type", "application/json"))


class Scripted:
    """An HTTP/1.1 server on loopback whose every answer comes from ``script``."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.heads: list[bytes] = []
        self.connections = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self._tasks: set[asyncio.Task[Any]] = set()

    async def __aenter__(self) -> Scripted:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/2.3.0/"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.server.wait_closed()

    @property
    def paths(self) -> list[str]:
        return [head.split(b" ")[1].decode() for head in self.heads]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.heads.append(head)
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                try:
                    answer = await self.script(head)
                finally:
                    self.in_flight -= 1
                if isinstance(answer, Hangup):
                    writer.write(answer.data)
                    await writer.drain()
                    writer.transport.abort()
                    return
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()


def answer(data: bytes | Hangup) -> Script:
    async def script(head: bytes) -> bytes | Hangup:
        return data

    return script


@contextlib.asynccontextmanager
async def client(url: str, kind: str, **options: Any) -> AsyncIterator[LL2Client]:
    transport = (
        httpx.AsyncHTTPTransport(
            limits=httpx.Limits(max_connections=options.get("max_connections", 20))
        )
        if kind == "httpx"
        else None
    )
    ll2 = LL2Client(url, transport=transport, **options)
    try:
        yield ll2
    finally:
        await ll2.aclose()


@pytest.fixture(params=TRANSPORTS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# -- the default ----------------------------------------------------------------------------


async def test_the_default_transport_is_aiohttp_and_closing_releases_it() -> None:
    async with Scripted(answer(ok({"id": 1}))) as server:
        ll2 = LL2Client(server.url)
        transport = ll2._http._transport
        assert isinstance(transport, AiohttpTransport)
        assert (await ll2.get("agencies/1/")).data == {"id": 1}
        session = transport._session
        assert session is not None and not session.closed
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            await ll2.aclose()
            del session, transport, ll2
            gc.collect()
        assert [str(w.message) for w in caught] == []


async def test_a_client_closed_before_any_call_opens_nothing() -> None:
    transport = AiohttpTransport()
    await LL2Client("http://127.0.0.1:1/", transport=transport).aclose()
    assert transport._session is None


@pytest.mark.parametrize(
    ("base", "tls"), [("http://ll2.test/", False), ("HTTPS://ll2.test/", True)]
)
def test_the_trust_store_is_loaded_at_start_and_only_for_https(base: str, tls: bool) -> None:
    """Loading it on the first call made the first client wait ~30 ms for it."""
    client = LL2Client(base)
    transport = client._http._transport
    assert isinstance(transport, AiohttpTransport)
    assert isinstance(transport._ssl_context, ssl.SSLContext) is tls
    assert transport._ssl_context is not None


def test_aiohttp_still_lets_its_silent_retry_be_turned_off() -> None:
    """The transport sets this private switch; without it a dropped call is sent twice."""
    assert "_retry_connection" in aiohttp.ClientSession.ATTRS


@pytest.mark.parametrize(
    ("proxy", "expected"), [(None, AiohttpTransport), ("up", httpx.AsyncHTTPTransport)]
)
async def test_a_proxy_in_the_environment_keeps_httpx_transport(
    monkeypatch: pytest.MonkeyPatch, upstream: RunningUpstream, proxy: str | None, expected: type
) -> None:
    """httpx honours HTTP(S)_PROXY only with its own transport: it is kept when one is set.
    Here the offline LL2 is the proxy for an LL2 host that does not exist."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    if proxy:
        monkeypatch.setenv("HTTP_PROXY", upstream.origin)
    ll2 = LL2Client("http://ll2.invalid/2.3.0/", connect_timeout=1.0)
    try:
        assert isinstance(ll2._http._transport, expected)
        if proxy:
            assert (await ll2.get("agencies/121/")).data["name"] == "SpaceX"
        else:
            with pytest.raises(UpstreamUnavailable):
                await ll2.get("agencies/121/")
    finally:
        await ll2.aclose()


# -- connections -------------------------------------------------------------------------------


async def test_connections_are_kept_alive(kind: str) -> None:
    async with Scripted(answer(ok({"id": 1}))) as server, client(server.url, kind) as ll2:
        for _ in range(30):
            assert (await ll2.get("agencies/1/")).data == {"id": 1}
        assert server.connections == 1
        assert len(server.heads) == 30


async def test_the_pool_holds_at_most_max_connections(kind: str) -> None:
    async def slow(head: bytes) -> bytes | Hangup:
        await asyncio.sleep(0.02)
        return ok({"id": 1})

    async with Scripted(slow) as server, client(server.url, kind, max_connections=4) as ll2:
        await asyncio.gather(*(ll2.get("agencies/1/") for _ in range(24)))
        await asyncio.gather(*(ll2.get("agencies/1/") for _ in range(24)))
        assert server.most_in_flight == 4
        assert server.connections == 4


# -- what is sent ----------------------------------------------------------------------------


async def test_the_request_on_the_wire(kind: str) -> None:
    async with (
        Scripted(answer(ok({"count": 0}))) as server,
        client(server.url, kind, api_key="k-123") as ll2,
    ):
        await ll2.get("spacecraft/", {"id": "1,2", "search": "Dragon C2/é", "ordering": "-name"})
        head = server.heads[0].decode("latin-1")
    request_line, *header_lines = head.strip().split("\r\n")
    assert request_line == (
        "GET /2.3.0/spacecraft/?id=1%2C2&search=Dragon+C2%2F%C3%A9&ordering=-name HTTP/1.1"
    )
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in header_lines)}
    assert headers["authorization"] == "Token k-123"
    assert headers["accept"] == "application/json"
    assert headers["user-agent"] == "ll2-graphql-gateway"
    assert "gzip" in headers["accept-encoding"]


async def test_a_gzipped_answer_is_decoded(kind: str) -> None:
    body = orjson.dumps({"id": 1, "name": "x" * 500})
    packed = gzip.compress(body)
    reply = http(200, packed, ("Content-Type", "application/json"), ("Content-Encoding", "gzip"))
    async with Scripted(answer(reply)) as server, client(server.url, kind) as ll2:
        response = await ll2.get("agencies/1/")
    assert response.data == orjson.loads(body)
    assert response.body == body and response.nbytes == len(body)


async def test_a_redirect_is_never_followed(kind: str) -> None:
    async with Scripted(answer(ok({"id": 2}))) as elsewhere:
        moved = http(301, b"", ("Location", elsewhere.url + "agencies/2/"))
        async with Scripted(answer(moved)) as server, client(server.url, kind, api_key="k") as ll2:
            with pytest.raises(UpstreamBadResponse):
                await ll2.get("agencies/1/")
        assert elsewhere.heads == []


async def test_absolute_paths_are_refused_before_any_call(kind: str) -> None:
    async with Scripted(answer(ok({}))) as server, client(server.url, kind) as ll2:
        for path in ("http://elsewhere.test/x/", "/2.3.0/agencies/", "//elsewhere.test/x/"):
            with pytest.raises(ValueError):
                await ll2.get(path)
        assert server.heads == []


# -- answers that are errors ---------------------------------------------------------------


async def test_404_is_no_data(kind: str) -> None:
    reply = http(404, b'{"detail": "Not found."}', ("Content-Type", "application/json"))
    async with Scripted(answer(reply)) as server, client(server.url, kind) as ll2:
        response = await ll2.get("agencies/9999/")
    assert (response.data, response.status) == (None, 404)


@pytest.mark.parametrize(
    ("headers", "body", "retry_after"),
    [
        ((("Retry-After", "17"),), b'{"detail": "Request was throttled."}', 17),
        ((), b'{"detail": "Request was throttled. Expected available in 42 seconds."}', 42),
        ((), b"", None),
    ],
)
async def test_429_is_rate_limited_with_its_retry_after(
    kind: str, headers: tuple[tuple[str, str], ...], body: bytes, retry_after: int | None
) -> None:
    async with (
        Scripted(answer(http(429, body, *headers))) as server,
        client(server.url, kind) as ll2,
    ):
        with pytest.raises(UpstreamRateLimited) as raised:
            await ll2.get("agencies/1/")
    assert raised.value.extensions.get("retry_after") == retry_after


@pytest.mark.parametrize(
    ("status", "error"),
    [(500, UpstreamUnavailable), (503, UpstreamUnavailable), (400, UpstreamBadResponse)],
)
async def test_error_statuses(kind: str, status: int, error: type[Exception]) -> None:
    async with Scripted(answer(http(status, b"{}"))) as server, client(server.url, kind) as ll2:
        with pytest.raises(error) as raised:
            await ll2.get("agencies/1/")
    assert isinstance(raised.value, UpstreamError)
    assert raised.value.extensions["status"] == status


@pytest.mark.parametrize("body", [b"<html>502 Bad Gateway</html>", b'{"id": 1, "na', b""])
async def test_a_body_that_is_not_json_is_a_bad_response(kind: str, body: bytes) -> None:
    async with Scripted(answer(http(200, body))) as server, client(server.url, kind) as ll2:
        with pytest.raises(UpstreamBadResponse):
            await ll2.get("agencies/1/")


# -- failures of the connection ------------------------------------------------------------


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_refused_connection_is_unavailable(kind: str, closed_port: int) -> None:
    async with client(f"http://127.0.0.1:{closed_port}/2.3.0/", kind) as ll2:
        with pytest.raises(UpstreamUnavailable) as raised:
            await ll2.get("agencies/1/")
    assert isinstance(raised.value.__cause__, httpx.ConnectError)


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A port that never completes a TCP handshake: its accept queue is full."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.05)
    try:
        yield port
    finally:
        for sock in [*fillers, listener]:
            sock.close()


async def test_a_connect_timeout_is_a_timeout(kind: str, full_backlog: int) -> None:
    url = f"http://127.0.0.1:{full_backlog}/2.3.0/"
    async with client(url, kind, connect_timeout=0.2, timeout=5.0) as ll2:
        started = time.monotonic()
        with pytest.raises(UpstreamTimeout) as raised:
            await ll2.get("agencies/1/")
    assert time.monotonic() - started < 2.0
    assert isinstance(raised.value.__cause__, httpx.ConnectTimeout)


async def test_a_read_timeout_is_a_timeout(kind: str) -> None:
    async def silent(head: bytes) -> bytes | Hangup:
        await asyncio.sleep(10)
        return ok({})

    async with Scripted(silent) as server, client(server.url, kind, timeout=0.2) as ll2:
        started = time.monotonic()
        with pytest.raises(UpstreamTimeout) as raised:
            await ll2.get("agencies/1/")
        assert time.monotonic() - started < 2.0
    assert isinstance(raised.value.__cause__, httpx.ReadTimeout)


async def test_a_body_that_stalls_is_a_timeout(kind: str) -> None:
    """The read timeout bounds each read, the body's too."""

    async def stall(head: bytes) -> bytes | Hangup:
        return http(200, b'{"id": ', length=100)  # and then nothing

    async with Scripted(stall) as server, client(server.url, kind, timeout=0.2) as ll2:
        with pytest.raises(UpstreamTimeout):
            await ll2.get("agencies/1/")


@pytest.mark.parametrize("reused", [False, True], ids=["fresh", "kept-alive"])
@pytest.mark.parametrize(
    "failure",
    [
        Hangup(),
        Hangup(http(200, b'{"id": 1, "name": "cut', length=200)),
        Hangup(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"),
    ],
    ids=["dropped", "truncated", "not-http"],
)
async def test_a_broken_exchange_is_unavailable_and_sent_once(
    kind: str, reused: bool, failure: Hangup
) -> None:
    """No hidden second attempt: the fetcher's retries are the only ones (LL2 counts calls)."""

    async def script(head: bytes) -> bytes | Hangup:
        return ok({"id": 1}) if reused and len(server.heads) == 1 else failure

    async with Scripted(script) as server, client(server.url, kind) as ll2:
        if reused:
            await ll2.get("agencies/1/")
        with pytest.raises(UpstreamUnavailable) as raised:
            await ll2.get("agencies/1/")
        await asyncio.sleep(0.05)
        assert len(server.heads) == (2 if reused else 1)
        assert server.connections == 1
    assert isinstance(raised.value.__cause__, httpx.TransportError)
