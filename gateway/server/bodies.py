"""Reading a request's body before the app sees it, within ``--body-timeout``.

A body that trickles in, stops short of its ``Content-Length``, carries a malformed
chunk or outgrows the size limit is the client's fault, and its answer says so:
408 ``REQUEST_TIMEOUT``, 400 ``BAD_REQUEST`` or 413 ``PAYLOAD_TOO_LARGE``, never an
``UPSTREAM_*`` code and never a traceback.  The body read here is kept by aiohttp, so
the GraphQL view reads it again for free.
"""

from __future__ import annotations

import asyncio

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from aiohttp.web_protocol import RequestPayloadError

from gateway.server.errors import http_error_body

__all__ = ["body_middleware"]


def _refusal(status: int, message: str) -> web.Response:
    response = web.Response(
        body=orjson.dumps(http_error_body(status, message)),
        status=status,
        content_type="application/json",
    )
    response.force_close()  # what is left of the body is not worth reading
    return response


def body_middleware(timeout: float, max_bytes: int) -> Middleware:
    """A middleware that reads each body within ``timeout`` seconds."""

    @web.middleware
    async def read_body(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.body_exists:
            try:
                if request.content.is_eof():  # it came whole with the head: no wait, no timer
                    await request.read()
                else:
                    async with asyncio.timeout(timeout):
                        await request.read()
            except TimeoutError:
                return _refusal(408, f"The request body did not arrive within {timeout:g} s.")
            except web.HTTPRequestEntityTooLarge:
                return _refusal(413, f"Request body larger than {max_bytes} bytes.")
            except (RequestPayloadError, ConnectionError) as exc:
                message = str(exc) if isinstance(exc, RequestPayloadError) else ""
                return _refusal(400, message or "The request body was cut short.")
        return await handler(request)

    return read_body
