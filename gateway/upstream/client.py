"""The HTTP client for LL2: one pooled connection set per process.

Turns every failure into a :class:`gateway.errors.UpstreamError` with a code, and
only ever requests paths below its configured base URL: no absolute URL from a
response is ever followed, so the API key goes nowhere else.

It speaks httpx; by default httpx sends through
:class:`~gateway.upstream.transport.AiohttpTransport` (aiohttp's HTTP/1.1 client, kept-alive
connections), a third of the CPU per call of httpx's own transport, or less
(``python -m bench.transport``). Tests pass ``transport=httpx.MockTransport(...)``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import getproxies

import httpx
import orjson

from gateway.errors import (
    UpstreamBadResponse,
    UpstreamRateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.upstream.transport import AiohttpTransport

__all__ = ["LL2Client", "UpstreamResponse", "redact_url"]

log = logging.getLogger("gateway.upstream")


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    """A decoded LL2 answer; ``data`` is None when LL2 said 404."""

    data: Any
    status: int
    nbytes: int
    seconds: float
    #: The body as received, for the cache.
    body: bytes = b""
    #: Made up by a dry run (explain mode): no LL2 call stands behind it.
    planned: bool = False
    #: Served from the cache: LL2 sent it earlier.
    cached: bool = False


class LL2Client:
    """GETs JSON from LL2, below ``base_url`` only.

    At most ``max_connections`` connections, kept alive between calls; ``transport``
    replaces the default :class:`AiohttpTransport` (and its pool) entirely. When the
    environment names a proxy (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``), httpx's own
    transport is kept: it honours those and ``NO_PROXY`` as it always did; the aiohttp
    transport does not do proxies.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 10.0,
        connect_timeout: float = 3.0,
        max_connections: int = 20,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        headers = {"Accept": "application/json", "User-Agent": "ll2-graphql-gateway"}
        if api_key:
            headers["Authorization"] = f"Token {api_key}"
        if transport is None and not _proxies_from_environment():
            plain = self.base_url.lower().startswith("http://")
            transport = AiohttpTransport(
                max_connections=max_connections, ssl_context=False if plain else None
            )
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            limits=httpx.Limits(max_connections=max_connections),  # httpx's own transport's
            transport=transport,
            follow_redirects=False,
        )

    async def get(self, path: str, params: dict[str, str] | None = None) -> UpstreamResponse:
        """GET ``base_url + path``; ``path`` must be relative."""
        if "://" in path or path.startswith("/"):
            raise ValueError(f"upstream paths are relative to the base URL, got {path!r}")
        # One absolute URL, parsed once by httpx, rather than a path and params that it
        # would parse, merge with the base URL and re-parse (the same URL, three times the
        # CPU). ``urlencode`` is what httpx encodes params with.
        url = self.base_url + path + ("?" + urlencode(params) if params else "")
        started = time.perf_counter()
        try:
            response = await self._http.get(url)
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(f"LL2 did not answer in time ({path})") from exc
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable(f"LL2 could not be reached ({path})") from exc
        seconds = time.perf_counter() - started
        body = response.content
        log.debug("GET %s %s -> %s (%d bytes)", path, params, response.status_code, len(body))
        status = response.status_code
        if status == 404:
            return UpstreamResponse(None, status, len(body), seconds, body)
        if status == 429:
            retry_after = _retry_after(response)
            raise UpstreamRateLimited(
                "LL2 answered 429: its own rate limit is exhausted"
                + (f"; retry in {retry_after} s." if retry_after is not None else "."),
                retry_after=retry_after,
                source="ll2",
            )
        if status >= 500:
            raise UpstreamUnavailable(f"LL2 answered HTTP {status} ({path})", status=status)
        if status >= 400:
            raise UpstreamBadResponse(
                f"LL2 refused the request: HTTP {status} ({path})", status=status
            )
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise UpstreamBadResponse(f"LL2 sent a body that is not JSON ({path})") from exc
        return UpstreamResponse(data, status, len(body), seconds, body)

    async def aclose(self) -> None:
        await self._http.aclose()


def _proxies_from_environment() -> bool:
    """Whether httpx would mount a proxy for some URL (its reading of ``getproxies()``)."""
    proxies = getproxies()
    if "*" in (host.strip() for host in proxies.get("no", "").split(",")):
        return False
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


def redact_url(url: str) -> str:
    """``url`` without any ``user:password@``, for logs, errors and status reports."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _retry_after(response: httpx.Response) -> int | None:
    header = response.headers.get("Retry-After")
    if header and header.isdigit():
        return int(header)
    try:
        detail = orjson.loads(response.content).get("detail", "")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    digits = [int(word) for word in str(detail).split() if word.isdigit()]
    return digits[0] if digits else None
