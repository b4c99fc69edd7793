"""An httpx transport over aiohttp's client: httpx's API on top, aiohttp's HTTP/1.1 below.

:class:`LL2Client` speaks httpx; this transport is what it sends through by default,
because httpx's own transport (httpcore) costs several times more CPU per call
(``python -m bench.transport`` measures it). Only the wire changes: httpx still builds
the request (base URL, query, headers, cookies), decodes ``Content-Encoding``, never
follows a redirect, and sees aiohttp's failures as the httpx exceptions its own
transport would raise:

=======================================  ==================================================
aiohttp                                  httpx
=======================================  ==================================================
``ConnectionTimeoutError``               ``ConnectTimeout``
``SocketTimeoutError``, other timeouts   ``ReadTimeout``
``ClientConnectorError`` (refused, DNS)  ``ConnectError``
``ServerDisconnectedError``              ``RemoteProtocolError``
``ClientPayloadError`` (cut short)       ``RemoteProtocolError``
``ClientResponseError`` (not HTTP)       ``RemoteProtocolError``
other ``ClientConnectionError``          ``ReadError``
``InvalidURL``                           ``UnsupportedProtocol``
any other ``ClientError``                ``TransportError``
=======================================  ==================================================

Connections are kept alive in one pool of ``max_connections`` (the whole pool, not per
host), idle ones closed after ``keepalive_expiry`` seconds as httpx does. aiohttp's own
silent retry of an idempotent request on a dropped connection is off: every retry is the
fetcher's, counted against LL2's quota.
"""

from __future__ import annotations

import ssl
from typing import Literal

import aiohttp
import httpx
from yarl import URL

__all__ = ["AiohttpTransport"]

_TimeoutKey = tuple[float | None, float | None, float | None]


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests with one :class:`aiohttp.ClientSession`, opened on first use
    (on the running loop) and closed by :meth:`aclose`.

    The TLS context is made here, when the gateway starts, not on the first call: loading
    the trust store costs about 30 ms, which the first client would wait for.
    ``ssl_context=False`` makes none, for an upstream reached over plain HTTP.
    """

    def __init__(
        self,
        *,
        max_connections: int = 20,
        keepalive_expiry: float = 5.0,
        ssl_context: ssl.SSLContext | Literal[False] | None = None,
    ) -> None:
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        # httpx's trust store (certifi, or SSL_CERT_FILE/SSL_CERT_DIR), as before.
        self._ssl_context = httpx.create_ssl_context() if ssl_context is None else ssl_context
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[_TimeoutKey, aiohttp.ClientTimeout] = {}

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._max_connections,
            limit_per_host=0,
            keepalive_timeout=self._keepalive_expiry,
            ssl=self._ssl_context,
        )
        session = aiohttp.ClientSession(
            connector=connector,
            # httpx does decoding and cookies; LL2Client keeps httpx's own transport when
            # the environment names a proxy.
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
        )
        # No hidden second attempt on a dropped connection (aiohttp has no public switch;
        # its own test client turns it off the same way). tests/upstream/test_transport.py
        # fails if this stops holding.
        session._retry_connection = False
        self._session = session
        return session

    def _timeout(self, extension: dict[str, float | None] | None) -> aiohttp.ClientTimeout:
        extension = extension or {}
        key = (extension.get("connect"), extension.get("read"), extension.get("pool"))
        timeout = self._timeouts.get(key)
        if timeout is None:
            connect, read, pool = key
            # aiohttp's ``connect`` bounds getting a connection (pool wait included), its
            # ``sock_connect`` one TCP connect, its ``sock_read`` each read, like httpx's.
            timeout = aiohttp.ClientTimeout(
                total=None, connect=pool, sock_connect=connect, sock_read=read
            )
            self._timeouts[key] = timeout
        return timeout

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._session or self._open()
        content = await request.aread()
        try:
            async with session.request(
                request.method,
                URL(str(request.url), encoded=True),
                headers=request.headers.multi_items(),
                data=content or None,
                allow_redirects=False,
                timeout=self._timeout(request.extensions.get("timeout")),
            ) as response:
                body = await response.read()
        except aiohttp.ClientError as exc:
            raise _httpx_error(exc, request) from exc
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        extensions = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("latin-1", "replace")
        return httpx.Response(
            response.status,
            headers=response.raw_headers,
            stream=httpx.ByteStream(body),
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()


def _httpx_error(exc: aiohttp.ClientError, request: httpx.Request) -> httpx.TransportError:
    if isinstance(exc, aiohttp.ClientResponseError):
        message = f"not an HTTP answer: {exc.message}"  # str(exc) would name the whole URL
    elif isinstance(exc, aiohttp.InvalidURL):
        message = "invalid URL"
    else:
        message = str(exc) or type(exc).__name__
    kind: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(exc, aiohttp.ServerTimeoutError):
        kind = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = httpx.ConnectError
    elif isinstance(
        exc,
        aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError | aiohttp.ClientResponseError,
    ):
        kind = httpx.RemoteProtocolError
    elif isinstance(exc, aiohttp.ClientConnectionError):
        kind = httpx.ReadError
    elif isinstance(exc, aiohttp.InvalidURL):
        kind = httpx.UnsupportedProtocol
    else:
        kind = httpx.TransportError
    return kind(message, request=request)
