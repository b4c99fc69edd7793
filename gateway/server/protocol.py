"""One client connection: aiohttp's request handler, hardened.

aiohttp parses HTTP and runs the app; :class:`GatewayRequestHandler` changes what
happens around that, per connection:

* **a header deadline**: the request line and headers must arrive within
  ``header_timeout`` seconds of connecting (or of the first byte after an idle
  keep-alive); then the connection is closed, with a 408 if part of a request came;
* **a connection cap**: a new connection is admitted by the
  :class:`~gateway.server.connections.ConnectionGuard`, which may close an idle one
  to make room or refuse the new one with a 503;
* **malformed requests** (a bad Content-Length, a NUL in a header, an over-long line,
  both Content-Length and Transfer-Encoding, a bad chunk) get the gateway's
  GraphQL-shaped JSON error with a 4xx, never aiohttp's text page, and are logged as
  one WARNING at most once a minute, without a traceback;
* **a body cut short**: a malformed chunk after the headers, or the client closing
  its side before the whole body came, fails the body's reader at once (the body
  middleware answers 400) instead of leaving it waiting.

Idle keep-alive connections are closed after ``keepalive_timeout`` by aiohttp itself.
"""

from __future__ import annotations

import asyncio
import logging
import re
import struct
import uuid
from typing import Any

import orjson
from aiohttp import StreamReader, web
from aiohttp.http_exceptions import HttpProcessingError, LineTooLong
from aiohttp.web_protocol import RequestHandler, RequestPayloadError, _ErrInfo

from gateway.server.connections import ConnectionGuard
from gateway.server.errors import http_error_body
from gateway.throttled_log import ThrottledLog

__all__ = ["GatewayRequestHandler", "GatewayServer", "raw_response", "unread_bytes"]

try:
    import fcntl
    import termios

    _FIONREAD: int | None = termios.FIONREAD
except ImportError:  # pragma: no cover - not POSIX
    _FIONREAD = None

log = logging.getLogger("gateway.server")

_REASONS = {408: "Request Timeout", 503: "Service Unavailable"}
#: Where aiohttp's messages start quoting the client's bytes.
_QUOTED = re.compile(r":?\s*(?:b'|b\"|bytearray\().*", re.DOTALL)


def unread_bytes(transport: asyncio.BaseTransport | None) -> int:
    """Bytes the kernel holds for a connection that the event loop has not read yet."""
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is None or _FIONREAD is None:
        return 0
    try:
        found: int = struct.unpack("i", fcntl.ioctl(sock.fileno(), _FIONREAD, b"\0" * 4))[0]
    except OSError:
        return 0
    return found


def raw_response(status: int, message: str, *, retry_after: int | None = None) -> bytes:
    """A complete ``Connection: close`` HTTP/1.1 answer with the JSON error body, for
    a connection that has no request object to answer through."""
    body = orjson.dumps(http_error_body(status, message))
    head = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    if retry_after is not None:
        head.append(f"Retry-After: {retry_after}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def describe(exc: BaseException | None, message: str | None) -> str:
    """What was wrong with a request, in one line and without the client's bytes."""
    if isinstance(exc, LineTooLong):
        return f"A request line or header is longer than {exc.args[1]} bytes."
    text = exc.message if isinstance(exc, HttpProcessingError) else (message or "")
    text = _QUOTED.sub("", str(text).strip().splitlines()[0] if str(text).strip() else "")
    text = "".join(c if c.isprintable() else "?" for c in text.rstrip(": "))[:120]
    return f"Malformed HTTP request: {text}." if text else "Malformed HTTP request."


def _break(body: StreamReader, message: str) -> None:
    """Fail the reader of a request's body with ``message``; nothing more will come
    (so aiohttp does not linger reading it after the answer)."""
    if not body.is_eof():
        body.set_exception(RequestPayloadError(message))
        body.feed_eof()


class GatewayServer(web.Server):
    """aiohttp's low-level server, making :class:`GatewayRequestHandler` connections."""

    def __init__(
        self,
        handler: Any,
        *,
        guard: ConnectionGuard,
        header_timeout: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(handler, **kwargs)
        self.guard = guard
        self.header_timeout = header_timeout
        #: Malformed requests, logged at most once a minute.
        self.refusals = ThrottledLog(log)

    def __call__(self) -> RequestHandler:
        return GatewayRequestHandler(self, loop=self._loop, **self._kwargs)


class GatewayRequestHandler(RequestHandler):
    """One connection; see the module's docstring."""

    def __init__(self, manager: GatewayServer, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._gateway = manager
        self._header_timer: asyncio.TimerHandle | None = None
        #: Bytes of a request came, but not yet all of its headers.
        self._partial = False
        self._admitted = False
        #: Requests answered (aiohttp counts those whose headers came).
        self._answered = 0
        #: The body of the latest request whose headers came.
        self._last_body: StreamReader | None = None
        #: Any byte came on this connection.
        self._heard = False

    # -- the connection cap and idleness ---------------------------------------------------

    @property
    def idle(self) -> bool:
        """Every request whose headers came has been answered (the connection is new,
        between requests, or receiving a request's headers)."""
        return self._request_count == self._answered and not self._force_close

    async def finish_response(
        self, request: web.BaseRequest, resp: web.StreamResponse, start_time: float | None
    ) -> tuple[web.StreamResponse, bool]:
        try:
            return await super().finish_response(request, resp, start_time)
        finally:
            self._answered += 1

    @property
    def idle_rank(self) -> int | None:
        if not self.idle:
            return None
        if self._answered:
            return 2  # kept alive after a request: a client that proved itself
        if self._heard or unread_bytes(self.transport) > 0:
            return 1  # its request is coming (or came, not yet read: accepted in a burst)
        return 0

    def evict(self) -> None:
        self.force_close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._gateway.guard.admit(self):
            assert isinstance(transport, asyncio.Transport)
            message = "The gateway holds as many connections as it can; retry shortly."
            transport.write(raw_response(503, message, retry_after=1))
            transport.close()
            return
        self._admitted = True
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: BaseException | None) -> None:
        if not self._admitted:
            return  # refused: aiohttp never knew this connection
        self._gateway.guard.release(self)
        self._disarm_header_timer()
        super().connection_lost(exc)

    # -- the header deadline ---------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        requests, queued = self._request_count, len(self._messages)
        self._heard = self._heard or bool(data)
        super().data_received(data)
        if self._request_count != requests:
            self._disarm_header_timer()
            self._partial = False
            if self._messages:
                self._last_body = self._messages[-1][1]
            self._fail_body_on_parse_error(queued)
        elif data and self.idle and (self._last_body is None or self._last_body.is_eof()):
            self._partial = True  # the start of a request, or more of its headers
            if self._header_timer is None:
                self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        self._header_timer = self._loop.call_later(
            self._gateway.header_timeout, self._header_deadline
        )

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_deadline(self) -> None:
        self._header_timer = None
        if not self.idle or self.transport is None:
            return  # a request arrived meanwhile: its own deadlines apply
        if self._partial:
            seconds = self._gateway.header_timeout
            message = f"The request's headers did not arrive within {seconds:g} s."
            self.transport.write(raw_response(408, message))
        self.force_close()

    # -- bodies cut short ------------------------------------------------------------------

    def _fail_body_on_parse_error(self, queued: int) -> None:
        """A parse error while a request's body was coming: that body is broken."""
        request = self._current_request
        if request is None:
            return
        for message, _ in list(self._messages)[queued:]:
            if isinstance(message, _ErrInfo):
                _break(request.content, describe(message.exc, None))
                return

    def eof_received(self) -> bool | None:  # type: ignore[override]  # asyncio's own type
        """The client closed its side: a body still expected never comes, but the
        request in progress may still be answered (the connection stays half open)."""
        bodies = [body for _, body in self._messages]
        if self._last_body is not None:
            bodies.append(self._last_body)
        for body in bodies:
            _break(body, "The request body ended before its announced length.")
        return None if self.idle else True

    # -- malformed requests ----------------------------------------------------------------

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        """aiohttp's answer to a request it could not parse or run, as gateway JSON."""
        if status >= 500:
            error_id = uuid.uuid4().hex[:12]
            log.error("unexpected error %s while handling a request", error_id, exc_info=exc)
            body: dict[str, Any] = {
                "data": None,
                "errors": [
                    {
                        "message": f"Internal server error (id {error_id}).",
                        "extensions": {"code": "INTERNAL_SERVER_ERROR", "errorId": error_id},
                    }
                ],
            }
        else:
            text = describe(exc, message)
            self._gateway.refusals.warning(
                "refused a malformed HTTP request from %s: %s", request.remote, text
            )
            body = http_error_body(status, text)
        if request.writer.output_size > 0:
            raise ConnectionError("the answer had begun: no error can follow it")
        response = web.Response(
            body=orjson.dumps(body), status=status, content_type="application/json"
        )
        response.force_close()
        return response
