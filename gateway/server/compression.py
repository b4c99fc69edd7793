"""gzip for answers worth it: over about 1 kB, to clients that accept it.

A 10 kB answer is about 3.7 kB gzipped; below 1 kB the headers and the CPU cost
more than the bytes saved.  aiohttp compresses (in a thread for bodies over 4 kB).
Brotli is left out: it saves a little more than gzip for a C dependency.
``Vary: Accept-Encoding`` is set on every answer that could be compressed, sent
compressed or not, so that shared caches keep the two apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Middleware
from aiohttp.web import ContentCoding

from gateway.server.http_cache import add_vary

__all__ = ["MIN_BYTES", "accepts_gzip", "compression_middleware"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Smallest body compressed.
MIN_BYTES: Final = 1024
_TYPES: Final = ("application/json", "application/graphql-response+json", "text/")


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether ``Accept-Encoding`` takes gzip (``gzip;q=0`` refuses it)."""
    star = False
    for item in accept_encoding.lower().split(","):
        coding, *params = item.split(";")
        coding = coding.strip()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding == "*":
            star = q > 0
        else:
            return q > 0
    return star


def _compressible(response: web.StreamResponse) -> bool:
    return (
        isinstance(response, web.Response)
        and not response.prepared
        and isinstance(response.body, bytes)
        and len(response.body) >= MIN_BYTES
        and "Content-Encoding" not in response.headers
        and response.content_type.startswith(_TYPES)
    )


def compression_middleware() -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if request.method != "HEAD" and _compressible(response):
            add_vary(response.headers, "Accept-Encoding")
            if accepts_gzip(request.headers.get("Accept-Encoding", "")):
                response.enable_compression(ContentCoding.gzip)
        return response

    return middleware
