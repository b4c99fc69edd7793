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
   response says so in ``extensions.upstream.stale``;
5. with an expired answer at hand, the call to LL2 runs in the background and the
   request waits for it until ``stale_deadline`` seconds after the request began, then
   answers from the expired copy (stale-while-revalidate): however many expired
   answers a request reads, one after the other, it waits that long at most in all.
   The refresh fills the cache for the next request.

:meth:`Upstream.refresh` skips step 1 (a poll for a subscription: LL2's answer now,
stored for everyone), and every answer LL2 sends is shown to the callables in
:attr:`Upstream.received` (the live hub: a query's call counts as a poll).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
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
from gateway.upstream.counts import ListCounts
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
#: Seconds before a request's deadline by which an expired copy is served instead.
_ANSWER_MARGIN = 0.1
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
        started: float | None = None,
    ) -> UpstreamResponse: ...

    async def peek(
        self, path: str, params: dict[str, str] | None, tally: Tally
    ) -> UpstreamResponse | None: ...

    async def remember(self, items: Mapping[str, dict[str, Any]]) -> None: ...

    def note_count(self, path: str, params: Mapping[str, str], count: int) -> None: ...

    def known_count(self, path: str, params: Mapping[str, str]) -> int | None: ...


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
        stale_deadline: float = 1.0,
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
        self.stale_deadline = stale_deadline
        self._inflight: dict[str, asyncio.Future[UpstreamResponse]] = {}
        #: Refreshes of expired answers, running on after the request that started them.
        self._refreshing: set[asyncio.Task[UpstreamResponse]] = set()
        #: ``time.monotonic()`` until which LL2's own 429 told the gateway to wait.
        self._ll2_limited_until = -1.0
        self.list_counts = ListCounts()
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
        started: float | None = None,
    ) -> UpstreamResponse:
        """LL2's answer to ``GET path?params``, by the cheapest means; ``deadline`` is
        the ``time.monotonic()`` by which the calling request must be answered, and
        ``started`` when it began (its expired copies answer ``stale_deadline`` after)."""
        key = cache_key(path, params)
        entry = await self.cache.get(key)
        fresh = entry is not None and entry.fresh
        self.observer.cache_lookup(fresh)
        if entry is not None and fresh:
            tally.hit(entry.expires_at)
            return self._decoded.unpack(key, entry)
        shared = self._inflight.get(key)
        if shared is not None:
            tally.joined()
        elif entry is None:
            return await self._lead(path, params, key, tally, deadline)
        else:
            shared = self._refresh(path, params, key, tally)
        if entry is None:
            return await asyncio.shield(shared)
        soft = (time.monotonic() if started is None else started) + self.stale_deadline
        # The expired copy must reach the client before the request's own deadline does.
        latest = soft if deadline is None else deadline - _ANSWER_MARGIN
        return await self._fresh_or_stale(shared, key, entry, tally, min(soft, latest))

    async def refresh(
        self, path: str, params: dict[str, str] | None = None, *, deadline: float | None = None
    ) -> UpstreamResponse:
        """LL2's answer now, whatever the cache holds (one call, or one in flight joined),
        stored in the cache for everyone; an expired answer stands in only if LL2 fails."""
        key = cache_key(path, params)
        # The copy the processes share: only a newer one than it will do.
        entry = await (self.cache if self.locks is None else self.locks).get(key)
        shared = self._inflight.get(key)
        try:
            if shared is not None:
                return await asyncio.shield(shared)
            return await self._lead(
                path, params, key, Tally(), deadline, stale=entry, refreshing=True
            )
        except UpstreamError:
            if entry is None:
                raise
            self.observer.served_stale()
            return self._decoded.unpack(key, entry)

    async def _lead(
        self,
        path: str,
        params: dict[str, str] | None,
        key: str,
        tally: Tally,
        deadline: float | None,
        *,
        stale: CacheEntry | None = None,
        refreshing: bool = False,
    ) -> UpstreamResponse:
        """Call LL2 for this request, letting identical requests join the call."""
        future: asyncio.Future[UpstreamResponse] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            response = await self._calling(
                path, params, key, tally, deadline, stale=stale, refreshing=refreshing
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

    def _refresh(
        self, path: str, params: dict[str, str] | None, key: str, tally: Tally
    ) -> asyncio.Task[UpstreamResponse]:
        """Call LL2 in the background: the request may answer from its expired copy first.

        The call keeps the budget, breaker and retries, but not the request's deadline:
        it outlives the request, bounded by the client's own timeouts.
        """
        task = asyncio.create_task(self._calling(path, params, key, tally, None))
        self._inflight[key] = task
        self._refreshing.add(task)
        task.add_done_callback(functools.partial(self._refreshed, key))
        return task

    def _refreshed(self, key: str, task: asyncio.Task[UpstreamResponse]) -> None:
        self._refreshing.discard(task)
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # each waiter decides what a failure means to it

    async def _fresh_or_stale(
        self,
        call: asyncio.Future[UpstreamResponse],
        key: str,
        stale: CacheEntry,
        tally: Tally,
        deadline: float,
    ) -> UpstreamResponse:
        """LL2's answer if it comes by ``deadline`` (``time.monotonic()``), else the
        expired copy."""
        wait = deadline - time.monotonic()
        if not call.done() and wait > 0:
            await asyncio.wait([call], timeout=wait)
        if call.done() and not call.cancelled():
            failure = call.exception()
            if failure is None:
                return call.result()
            if not isinstance(failure, UpstreamError | asyncio.CancelledError):
                raise failure
        self.observer.served_stale()
        tally.served_stale(key)
        return self._decoded.unpack(key, stale)

    async def aclose(self) -> None:
        """Stop the background refreshes (at shutdown)."""
        for task in list(self._refreshing):
            task.cancel()
        for task in list(self._refreshing):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

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

    async def _calling(
        self,
        path: str,
        params: dict[str, str] | None,
        key: str,
        tally: Tally,
        deadline: float | None,
        *,
        stale: CacheEntry | None = None,
        refreshing: bool = False,
    ) -> UpstreamResponse:
        """One call for ``key``: this process's, or another's on the same Redis."""
        if self.locks is None:
            return await self._call(path, params, key, tally, deadline=deadline)
        return await self._across_processes(
            self.locks,
            path,
            params,
            key,
            tally,
            stale=stale,
            deadline=deadline,
            refreshing=refreshing,
        )

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
            found = usable(await locks.get(key))
            if found is not None:
                tally.hit(found.expires_at)
                return self._decoded.unpack(key, found)
            return await self._call(path, params, key, tally, deadline=deadline)
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
            found = usable(await locks.get(key))  # the shared copy, not a near one
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

    async def _call(
        self,
        path: str,
        params: dict[str, str] | None,
        key: str,
        tally: Tally,
        *,
        deadline: float | None,
    ) -> UpstreamResponse:
        try:
            response = await self._attempts(path, params, key, tally, deadline)
        except UpstreamError as exc:
            self.errors.append(RecentError(time.time(), key, exc.code, exc.message))
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
                        wait = float(exc.extensions["retry_after"])
                        self._ll2_limited_until = time.monotonic() + wait
                        await self.quota.penalise(wait)
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
            if time.monotonic() < self._ll2_limited_until:
                raise UpstreamRateLimited(
                    "LL2 answered 429 (its own rate limit): the gateway waits "
                    f"{wait:.0f} s before calling it again.",
                    retry_after=round(wait),
                    source="ll2",
                )
            raise UpstreamRateLimited(
                "The gateway's budget of LL2 calls (--upstream-rate) is spent; "
                f"next call in {wait:.0f} s.",
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

    def note_count(self, path: str, params: Mapping[str, str], count: int) -> None:
        """LL2 just answered the list query at ``path`` with ``count`` items in all."""
        self.list_counts.note(path, params, count, self.ttl_for(path)[0])

    def known_count(self, path: str, params: Mapping[str, str]) -> int | None:
        """How many items the list query has, if LL2 said so while it is fresh."""
        return self.list_counts.get(path, params)

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
