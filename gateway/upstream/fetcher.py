"""The process-wide way to LL2: cache, coalescing, quota, stale-if-error.

Every upstream GET of every request goes through :meth:`Upstream.get`:

1. a fresh cached answer is served without calling LL2 (the cache is in-process or
   Redis, shared by every gateway instance);
2. an identical GET already in flight, from any request, is joined, not repeated;
   with a cache shared by several processes (Redis), also one in flight in another
   process: a short lock per cache key lets one process call while the others poll
   the cache for its answer (:meth:`Upstream._across_processes`);
3. a call must take a token from the quota (LL2 allows 15 an hour without a key);
   with none left, the expired cached answer is served if there is one, else
   ``UPSTREAM_RATE_LIMITED``;
4. when LL2 fails, the expired cached answer is served (stale-if-error) and the
   response says so in ``extensions.upstream.stale``.

:meth:`Upstream.refresh` skips step 1 (a poll for a subscription: LL2's answer now,
stored for everyone), and every answer LL2 sends is shown to the callables in
:attr:`Upstream.received` (the live hub: a query's call counts as a poll).
"""

from __future__ import annotations

import asyncio
import collections
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode

import orjson

from gateway import tracing
from gateway.errors import (
    UpstreamError,
    UpstreamRateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.upstream.breaker import CircuitBreaker
from gateway.upstream.client import LL2Client, UpstreamResponse
from gateway.upstream.observer import NO_OBSERVER, UpstreamObserver
from gateway.upstream.tally import Tally

if TYPE_CHECKING:
    from gateway.cache import Cache, CacheEntry, InflightLocks
    from gateway.ll2 import Freshness
    from gateway.upstream.quota import Quota

__all__ = [
    "LOCK_TTL",
    "Fetching",
    "Received",
    "RecentError",
    "Upstream",
    "cache_key",
    "endpoint_template",
]

#: Told of every answer LL2 sent: ``(path, params, response)``; must not block.
Received = Callable[[str, "dict[str, str] | None", UpstreamResponse], None]
#: Seconds an in-flight lock lives unless its holder renews it (every third of it,
#: while its call lasts): the longest a holder that died can keep others waiting.
LOCK_TTL = 2.0
#: First and longest pause between two looks at the cache while another process calls.
_POLL_FIRST, _POLL_MAX = 0.01, 0.1


class Fetching(Protocol):
    """What a request's session needs of the way to LL2: :class:`Upstream`, or a
    :class:`~gateway.upstream.dryrun.DryRun` of it in explain mode."""

    @property
    def table_sizes(self) -> dict[str, int]: ...

    async def get(
        self,
        path: str,
        params: dict[str, str] | None,
        tally: Tally,
        *,
        deadline: float | None = None,
    ) -> UpstreamResponse: ...

    async def peek(
        self, path: str, params: dict[str, str] | None, tally: Tally
    ) -> UpstreamResponse | None: ...

    async def remember(self, items: Mapping[str, dict[str, Any]]) -> None: ...


@dataclass(frozen=True, slots=True)
class RecentError:
    at: float
    path: str
    code: str
    message: str


def _retryable(exc: UpstreamError) -> bool:
    """Connection failures and 502/503/504 are worth another try; timeouts and 500 not."""
    if isinstance(exc, UpstreamTimeout):
        return False
    return exc.extensions.get("status") in (None, 502, 503, 504)


def _fits(deadline: float | None, delay: float) -> bool:
    """Whether waiting ``delay`` still leaves the request time for another call."""
    return deadline is None or time.monotonic() + delay + 0.05 < deadline


def _outcome(exc: UpstreamError) -> str:
    """The HTTP status LL2 answered with, else the code of what went wrong."""
    if isinstance(exc, UpstreamRateLimited):
        return "429"
    status = exc.extensions.get("status")
    return str(status) if status is not None else exc.code


def endpoint_template(path: str) -> str:
    """``path`` with its id segments as ``{id}``: ``astronaut/12/`` -> ``astronaut/{id}/``
    (a bounded name for an endpoint, for metrics and span names)."""
    return "/".join("{id}" if _is_id(part) else part for part in path.split("/"))


def _is_id(segment: str) -> bool:
    """An integer id, or a UUID (LL2's launches)."""
    return segment.isdigit() or (len(segment) == 36 and segment.count("-") == 4)


def cache_key(path: str, params: dict[str, str] | None) -> str:
    return f"{path}?{urlencode(sorted((params or {}).items()))}"


def _pack(response: UpstreamResponse) -> bytes:
    return b"%d\n" % response.status + response.body


def _unpack(value: bytes) -> UpstreamResponse:
    status, _, body = value.partition(b"\n")
    data = orjson.loads(body) if int(status) != 404 else None
    return UpstreamResponse(data, int(status), 0, 0.0, body, cached=True)


class _Decoded:
    """Cached answers already decoded, by cache key and the entry's ``stored_at``.

    Decoding a 143 kB page costs more than answering from it, so each process keeps
    the decoded form of the entries it reads most, bounded by their bodies' bytes.
    The decoded data is shared by every request that reads the entry: nothing may
    change it (the version adapters and the types build new objects from it).
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: collections.OrderedDict[str, tuple[float, UpstreamResponse]] = (
            collections.OrderedDict()
        )
        self._bytes = 0

    def unpack(self, key: str, entry: CacheEntry) -> UpstreamResponse:
        found = self._entries.get(key)
        if found is not None and found[0] == entry.stored_at:
            self._entries.move_to_end(key)
            return found[1]
        response = _unpack(entry.value)
        self._put(key, entry.stored_at, response)
        return response

    def _put(self, key: str, stored_at: float, response: UpstreamResponse) -> None:
        self._drop(key)
        size = len(response.body)
        if size > self.max_bytes:
            return
        while self._bytes + size > self.max_bytes:
            self._drop(next(iter(self._entries)))
        self._entries[key] = (stored_at, response)
        self._bytes += size

    def _drop(self, key: str) -> None:
        found = self._entries.pop(key, None)
        if found is not None:
            self._bytes -= len(found[1].body)


class Upstream:
    def __init__(
        self,
        client: LL2Client,
        *,
        cache: Cache,
        quota: Quota,
        ttl_for: Callable[[str], Freshness],
        breaker: CircuitBreaker | None = None,
        retries: int = 2,
        backoff: float = 0.2,
        max_concurrency: int = 20,
        decoded_bytes: int = 16 << 20,
        observer: UpstreamObserver = NO_OBSERVER,
        locks: InflightLocks | None = None,
        lock_ttl: float = LOCK_TTL,
    ) -> None:
        self.client = client
        self.cache = cache
        #: In-flight locks shared with other processes (with a Redis cache), else None.
        self.locks = locks
        self.lock_ttl = lock_ttl
        self.quota = quota
        self.ttl_for = ttl_for
        self.breaker = breaker or CircuitBreaker(threshold=5, cooldown=30.0)
        self.retries = retries
        self.backoff = backoff
        #: Told of cache look-ups and LL2 calls (the server's metrics).
        self.observer = observer
        self._slots = asyncio.Semaphore(max_concurrency)
        self._decoded = _Decoded(decoded_bytes)
        self._inflight: dict[str, asyncio.Future[UpstreamResponse]] = {}
        self.calls = 0
        self.errors: collections.deque[RecentError] = collections.deque(maxlen=20)
        #: resource -> rows in the whole table, from unfiltered list pages.
        self.table_sizes: dict[str, int] = {}
        #: Shown every answer LL2 sends (and every object a whole page carries).
        self.received: list[Received] = []

    async def get(
        self,
        path: str,
        params: dict[str, str] | None,
        tally: Tally,
        *,
        deadline: float | None = None,
    ) -> UpstreamResponse:
        """LL2's answer to ``GET path?params``, by the cheapest means; ``deadline`` is
        the ``time.monotonic()`` by which the calling request must be answered."""
        key = cache_key(path, params)
        entry = await self.cache.get(key)
        fresh = entry is not None and entry.fresh
        self.observer.cache_lookup(fresh)
        if entry is not None and fresh:
            tally.hit(entry.expires_at)
            return self._decoded.unpack(key, entry)
        return await self._fetch(path, params, key, tally, stale=entry, deadline=deadline)

    async def refresh(
        self, path: str, params: dict[str, str] | None = None, *, deadline: float | None = None
    ) -> UpstreamResponse:
        """LL2's answer now, whatever the cache holds (one call, or one in flight joined),
        stored in the cache for everyone; an expired answer stands in only if LL2 fails."""
        key = cache_key(path, params)
        entry = await self.cache.get(key)
        return await self._fetch(
            path, params, key, Tally(), stale=entry, deadline=deadline, refreshing=True
        )

    async def _fetch(
        self,
        path: str,
        params: dict[str, str] | None,
        key: str,
        tally: Tally,
        *,
        stale: CacheEntry | None,
        deadline: float | None,
        refreshing: bool = False,
    ) -> UpstreamResponse:
        """One call for ``key``, or the identical one in flight (in another process too,
        with shared locks); ``refreshing``: only an answer newer than ``stale`` will do."""
        shared = self._inflight.get(key)
        if shared is not None:
            tally.joined()
            return await asyncio.shield(shared)
        future: asyncio.Future[UpstreamResponse] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            if self.locks is None:
                response = await self._call(
                    path, params, key, tally, stale=stale, deadline=deadline
                )
            else:
                response = await self._across_processes(
                    self.locks,
                    path,
                    params,
                    key,
                    tally,
                    stale=stale,
                    deadline=deadline,
                    refreshing=refreshing,
                )
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # joined requests see it; nobody else must
            raise
        else:
            future.set_result(response)
            return response
        finally:
            del self._inflight[key]

    async def _across_processes(
        self,
        locks: InflightLocks,
        path: str,
        params: dict[str, str] | None,
        key: str,
        tally: Tally,
        *,
        stale: CacheEntry | None,
        deadline: float | None,
        refreshing: bool = False,
    ) -> UpstreamResponse:
        """Call LL2 holding ``key``'s lock, or wait for the process that holds it.

        The holder fills the shared cache, then lets go; a waiter polls the cache (and
        the lock) until the answer is there, never past its request's deadline.  When
        the lock goes without an answer (the holder failed, or died and its lock
        expired), a waiter claims it and calls itself.  ``refreshing`` (a poll) takes
        only an answer stored after ``stale``, the one it saw.
        """
        seen = stale.stored_at if refreshing and stale is not None else None

        def usable(entry: CacheEntry | None) -> CacheEntry | None:
            if entry is None or not entry.fresh or (refreshing and entry.stored_at == seen):
                return None
            return entry

        while (token := await locks.claim(key, self.lock_ttl)) is None:
            try:
                found = await self._await_peer(locks, key, deadline, usable)
            except UpstreamTimeout as exc:
                self.errors.append(RecentError(time.time(), key, exc.code, exc.message))
                if stale is None:
                    raise
                self.observer.served_stale()
                tally.served_stale(key)
                return self._decoded.unpack(key, stale)
            if found is not None:
                tally.joined(fresh_until=found.expires_at)
                return self._decoded.unpack(key, found)
        renewing = asyncio.create_task(self._renew(locks, key, token))
        try:
            # A peer may have filled the cache between our look and our claim.
            entry = await self.cache.get(key)
            found = usable(entry)
            if found is not None:
                tally.hit(found.expires_at)
                return self._decoded.unpack(key, found)
            stale = entry or stale
            return await self._call(path, params, key, tally, stale=stale, deadline=deadline)
        finally:
            renewing.cancel()
            await asyncio.wait([renewing])  # not in the middle of a renewal
            await locks.release(key, token)

    async def _await_peer(
        self,
        locks: InflightLocks,
        key: str,
        deadline: float | None,
        usable: Callable[[CacheEntry | None], CacheEntry | None],
    ) -> CacheEntry | None:
        """The (``usable``) answer another process's call puts in the cache, or None
        once its lock is gone without one."""
        pause = _POLL_FIRST
        while True:
            if deadline is not None and not _fits(deadline, pause):
                raise UpstreamTimeout(
                    "Another gateway process was still calling LL2 for this at the "
                    "request's deadline"
                )
            await asyncio.sleep(pause)
            pause = min(pause * 1.5, _POLL_MAX)
            found = usable(await self.cache.get(key))
            if found is not None:
                return found
            if not await locks.claimed(key):
                return None

    async def _renew(self, locks: InflightLocks, key: str, token: str) -> None:
        """Keep ``key``'s lock while the call lasts (the task is cancelled after it)."""
        while True:
            await asyncio.sleep(self.lock_ttl / 3)
            if not await locks.renew(key, token, self.lock_ttl):
                return

    async def peek(
        self, path: str, params: dict[str, str] | None, tally: Tally
    ) -> UpstreamResponse | None:
        """The fresh cached answer, if any; never calls LL2."""
        key = cache_key(path, params)
        entry = await self.cache.get(key)
        if entry is None or not entry.fresh:
            return None  # not a miss yet: the caller goes on to get() when it needs it
        self.observer.cache_lookup(True)
        tally.hit(entry.expires_at)
        return self._decoded.unpack(key, entry)

    async def _call(
        self,
        path: str,
        params: dict[str, str] | None,
        key: str,
        tally: Tally,
        *,
        stale: CacheEntry | None,
        deadline: float | None,
    ) -> UpstreamResponse:
        try:
            response = await self._attempts(path, params, key, tally, deadline)
        except UpstreamError as exc:
            self.errors.append(RecentError(time.time(), key, exc.code, exc.message))
            if stale is not None:
                self.observer.served_stale()
                tally.served_stale(key)
                return self._decoded.unpack(key, stale)
            raise
        ttl, stale_ttl = self.ttl_for(path)
        tally.received(response.nbytes, response.seconds, fresh_until=time.time() + ttl)
        await self.cache.set(key, _pack(response), ttl=ttl, stale_ttl=stale_ttl)
        for tell in self.received:
            tell(path, params, response)
        return response

    async def _attempts(
        self,
        path: str,
        params: dict[str, str] | None,
        key: str,
        tally: Tally,
        deadline: float | None,
    ) -> UpstreamResponse:
        """Call LL2, retrying what is safe to retry, inside the breaker and the budget."""
        attempt = 0
        while True:
            if not self.breaker.allow():
                raise UpstreamUnavailable(
                    "LL2 keeps failing; the gateway stopped calling it for "
                    f"{self.breaker.seconds_until_retry():.0f} s.",
                    retry_after=round(self.breaker.seconds_until_retry()),
                )
            try:
                await self._take_token()
                self.calls += 1
                tally.called(key)
                try:
                    async with self._slots:
                        response = await self._observed(path, params, deadline, attempt)
                except UpstreamRateLimited as exc:
                    if exc.extensions.get("retry_after"):
                        await self.quota.penalise(float(exc.extensions["retry_after"]))
                    raise
                except (UpstreamUnavailable, UpstreamTimeout) as exc:
                    self.breaker.failure()
                    delay = self.backoff * (2**attempt) * random.uniform(0.5, 1.5)
                    if not _retryable(exc) or attempt >= self.retries or not _fits(deadline, delay):
                        raise
                    attempt += 1
                    await asyncio.sleep(delay)
                    continue
                self.breaker.success()
                return response
            finally:
                self.breaker.abandon()  # a probe that ended any other way

    async def _take_token(self) -> None:
        if not await self.quota.try_acquire():
            wait = await self.quota.seconds_until_available()
            raise UpstreamRateLimited(
                f"The gateway's LL2 budget is spent; next call in {wait:.0f} s.",
                retry_after=round(wait),
                source="gateway",
            )

    async def _observed(
        self, path: str, params: dict[str, str] | None, deadline: float | None, attempt: int
    ) -> UpstreamResponse:
        """One LL2 call, in its own span, reported to the observer however it ends."""
        endpoint = endpoint_template(path)
        attributes = {"http.request.method": "GET", "url.path": path, "url.template": endpoint}
        with tracing.span(f"LL2 GET {endpoint}", attributes, client=True) as span:
            if attempt:
                span.set_attribute("http.request.resend_count", attempt)
            started = time.perf_counter()
            try:
                response = await self._timed(self.client.get(path, params), deadline)
            except UpstreamError as exc:
                outcome = _outcome(exc)
                span.set_attribute("error.type", outcome)
                self.observer.ll2_call(path, outcome, time.perf_counter() - started)
                raise
            span.set_attribute("http.response.status_code", response.status)
            self.observer.ll2_call(path, str(response.status), time.perf_counter() - started)
            return response

    @staticmethod
    async def _timed(call: Awaitable[UpstreamResponse], deadline: float | None) -> UpstreamResponse:
        if deadline is None:
            return await call
        remaining = deadline - time.monotonic()
        try:
            async with asyncio.timeout(max(remaining, 0.001)):
                return await call
        except TimeoutError as exc:
            raise UpstreamTimeout("LL2 did not answer before the request's deadline") from exc

    async def remember(self, items: Mapping[str, dict[str, Any]]) -> None:
        """Cache each item as the answer of its detail endpoint (path -> item), all at once.

        A detailed list page holds each object exactly as its ``/{id}/`` endpoint
        would answer, so a later need for one of them costs no call.  Stored together,
        they are all found or none: a request (in any process) looking for several of
        them never finds some and asks LL2 for the rest in a call of its own.
        """
        if not items:
            return
        ttl, stale_ttl = self.ttl_for(next(iter(items)))  # the paths of one resource
        bodies = {path: orjson.dumps(item) for path, item in items.items()}
        values = {cache_key(path, None): b"200\n" + body for path, body in bodies.items()}
        await self.cache.set_many(values, ttl=ttl, stale_ttl=stale_ttl)
        if self.received:
            for path, body in bodies.items():
                response = UpstreamResponse(items[path], 200, len(body), 0.0, body)
                for tell in self.received:
                    tell(path, None, response)
