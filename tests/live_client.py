"""Small clients for live data: graphql-transport-ws over aiohttp, and multipart parts."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import orjson

PROTOCOL = "graphql-transport-ws"


class Socket:
    """One graphql-transport-ws connection, acknowledged."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._ids = 0

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send_str(orjson.dumps(message).decode())

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next protocol message (pongs skipped unless asked for)."""
        message = await self.ws.receive(timeout=timeout)
        if message.type != aiohttp.WSMsgType.TEXT:
            raise AssertionError(f"expected a text message, got {message.type} {message.data!r}")
        return orjson.loads(message.data)  # type: ignore[no-any-return]

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._ids += 1
        id = str(self._ids)
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        await self.send({"id": id, "type": "subscribe", "payload": payload})
        return id

    async def silent_for(self, seconds: float) -> bool:
        """Whether nothing at all arrives for ``seconds``."""
        try:
            message = await self.ws.receive(timeout=seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"expected silence, got {message.type} {message.data!r}")

    async def closed(self, timeout: float = 10.0) -> tuple[int | None, str]:
        """Wait for the server to close; (close code, reason)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = await self.ws.receive(timeout=deadline - time.monotonic())
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                return self.ws.close_code, str(message.extra or "")
            if message.type == aiohttp.WSMsgType.ERROR:
                return self.ws.close_code, str(message.data)
        raise AssertionError("the server did not close the connection")


@contextlib.asynccontextmanager
async def connect(url: str, *, init: bool = True, **options: Any) -> AsyncIterator[Socket]:
    """A connection to ``url`` + ``/graphql``, ``connection_init`` sent and acknowledged."""
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(f"{url}/graphql", protocols=[PROTOCOL], **options) as ws,
    ):
        socket = Socket(ws)
        if init:
            await socket.send({"type": "connection_init"})
            ack = await socket.receive()
            assert ack == {"type": "connection_ack"}, ack
        yield socket


async def eventually(
    check: Callable[[], Awaitable[bool]], timeout: float = 15.0, every: float = 0.05
) -> None:
    """Wait until ``check()`` holds (a generous bound, never a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not hold in time")
        await asyncio.sleep(every)


async def parts(response: aiohttp.ClientResponse) -> AsyncIterator[dict[str, Any]]:
    """The JSON parts of a ``multipart/mixed`` answer, each as soon as it arrived."""
    content_type = response.headers["Content-Type"]
    boundary = content_type.split("boundary=")[1].split(";")[0].strip('"')
    delimiter = f"\r\n--{boundary}".encode()
    buffer = b""
    reader = response.content
    first = f"--{boundary}".encode()
    while len(buffer) < len(first):
        buffer += await reader.read(65536) or b""
    assert buffer.startswith(first), buffer[:80]
    buffer = buffer[len(first) :]
    while True:
        while b"\r\n\r\n" not in buffer and not buffer.startswith(b"--"):
            chunk = await reader.read(65536)
            if not chunk:
                return
            buffer += chunk
        if buffer.startswith(b"--"):  # the closing delimiter
            return
        head, _, rest = buffer.partition(b"\r\n\r\n")
        headers = dict(
            line.split(": ", 1) for line in head.decode().strip().split("\r\n") if ": " in line
        )
        length = int(headers["Content-Length"])
        while len(rest) < length + len(delimiter):
            chunk = await reader.read(65536)
            if not chunk:
                raise AssertionError("the answer ended inside a part")
            rest += chunk
        yield orjson.loads(rest[:length])
        assert rest[length : length + len(delimiter)] == delimiter
        buffer = rest[length + len(delimiter) :]
