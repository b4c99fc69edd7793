"""The process-wide way to LL2: cache, coalescing, quota, stale-if-error.

Every upstream GET of every request goes through :meth:`Upstream.get`:

1. a fresh cached answer is served without calling LL2 (the cache is in-process or
   Redis, shared by every gateway instance);
2. an identical GET already in flight, from any request, is joined, not repeated;
3. a call must take a token from the quota (LL2 allows 15 an hour without a key);
   with none left, the expired cached answer is served if there is one, else
   ``UPSTREAM_RATE_LIMITED``;
4. when LL2 fails, the expired cached answer is served (stale-if-error) and the
   response says so in ``extensions.upstream.stale``.
"""

from __future__ import annotations

import asyncio
import collections
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import orjson

from gateway.errors import GatewayError, UpstreamError, UpstreamRateLimited
from gateway.upstream.client import LL2Client, UpstreamResponse

if TYPE_CHECKING:
    from gateway.cache import Cache
    from gateway.upstream.quota import Quota

__all__ = ["Planned", "RecentError", "Tally", "Upstream", "cache_key"]


class Planned(GatewayError):
    """Raised in explain mode in place of an upstream call (the call is recorded)."""

    code = "UPSTREAM_CALL_PLANNED"


@dataclass(slots=True)
class Tally:
    """One GraphQL request's upstream cost: ``extensions.upstream``."""

    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    cache_hits: int = 0
    coalesced: int = 0
    deduplicated: int = 0
    #: Calls the planner decided on: one per root fetch, each batch's planned cost.
    planned_calls: int = 0
    stale: list[str] = field(default_factory=list)
    planned: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def as_extension(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "requests": self.requests,
            "cacheHits": self.cache_hits,
            "coalesced": self.coalesced,
            "deduplicated": self.deduplicated,
            "plannedCalls": self.planned_calls,
            "bytesReceived": self.bytes,
            "timeMs": round(self.seconds * 1000, 1),
            "calls": self.calls,
        }
        if self.stale:
            report["stale"] = self.stale
        return report


@dataclass(frozen=True, slots=True)
class RecentError:
    at: float
    path: str
    code: str
    message: str


def cache_key(path: str, params: dict[str, str] | None) -> str:
    return f"{path}?{urlencode(sorted((params or {}).items()))}"


def _pack(response: UpstreamResponse) -> bytes:
    return b"%d\n" % response.status + response.body


def _unpack(value: bytes) -> UpstreamResponse:
    status, _, body = value.partition(b"\n")
    data = orjson.loads(body) if int(status) != 404 else None
    return UpstreamResponse(data, int(status), 0, 0.0, body)


class Upstream:
    def __init__(
        self,
        client: LL2Client,
        *,
        cache: Cache,
        quota: Quota,
        ttl_for: Any,
    ) -> None:
        self.client = client
        self.cache = cache
        self.quota = quota
        self.ttl_for = ttl_for
        self._inflight: dict[str, asyncio.Future[UpstreamResponse]] = {}
        self.calls = 0
        self.errors: collections.deque[RecentError] = collections.deque(maxlen=20)
        #: resource -> rows in the whole table, from unfiltered list pages.
        self.table_sizes: dict[str, int] = {}

    async def get(
        self, path: str, params: dict[str, str] | None, tally: Tally, *, explain: bool = False
    ) -> UpstreamResponse:
        key = cache_key(path, params)
        entry = await self.cache.get(key)
        if entry is not None and entry.fresh:
            tally.cache_hits += 1
            return _unpack(entry.value)
        if explain:
            tally.planned.append({"path": path, "params": dict(params or {})})
            raise Planned(f"explain: would call LL2 {key}")
        shared = self._inflight.get(key)
        if shared is not None:
            tally.coalesced += 1
            return await asyncio.shield(shared)
        future: asyncio.Future[UpstreamResponse] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            response = await self._call(path, params, key, tally, stale=entry)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # joined requests see it; nobody else must
            raise
        else:
            future.set_result(response)
            return response
        finally:
            del self._inflight[key]

    async def peek(
        self, path: str, params: dict[str, str] | None, tally: Tally
    ) -> UpstreamResponse | None:
        """The fresh cached answer, if any; never calls LL2."""
        entry = await self.cache.get(cache_key(path, params))
        if entry is None or not entry.fresh:
            return None
        tally.cache_hits += 1
        return _unpack(entry.value)

    async def _call(
        self, path: str, params: dict[str, str] | None, key: str, tally: Tally, *, stale: Any
    ) -> UpstreamResponse:
        try:
            if not await self.quota.try_acquire():
                wait = await self.quota.seconds_until_available()
                raise UpstreamRateLimited(
                    f"The gateway's LL2 budget is spent; next call in {wait:.0f} s.",
                    retry_after=round(wait),
                    source="gateway",
                )
            self.calls += 1
            tally.requests += 1
            tally.calls.append(key)
            response = await self.client.get(path, params)
        except UpstreamError as exc:
            if (
                isinstance(exc, UpstreamRateLimited)
                and exc.extensions.get("source") != "gateway"
                and exc.extensions.get("retry_after")
            ):
                await self.quota.penalise(float(exc.extensions["retry_after"]))
            self.errors.append(RecentError(time.time(), key, exc.code, exc.message))
            if stale is not None:
                tally.stale.append(key)
                return _unpack(stale.value)
            raise
        tally.bytes += response.nbytes
        tally.seconds += response.seconds
        ttl, stale_ttl = self.ttl_for(path)
        await self.cache.set(key, _pack(response), ttl=ttl, stale_ttl=stale_ttl)
        return response

    async def remember(self, path: str, item: dict[str, Any]) -> None:
        """Cache ``item`` as the answer of the detail endpoint ``path``.

        A detailed list page holds each object exactly as its ``/{id}/`` endpoint
        would answer, so a later need for one of them costs no call.
        """
        ttl, stale_ttl = self.ttl_for(path)
        body = orjson.dumps(item)
        await self.cache.set(cache_key(path, None), b"200\n" + body, ttl=ttl, stale_ttl=stale_ttl)
