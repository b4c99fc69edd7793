"""The live hub: one poller per watched LL2 object, shared by every subscriber.

A subscription watches one LL2 object (its detail path): :meth:`LiveHub.watch`.  The
first watcher in a process starts that object's poller task; the last one to leave
stops it.  Across processes (``--workers``, several hosts) the pollers agree through
:mod:`gateway.live.shared`: one short lease per object says which process polls it,
and a key with a TTL says when the next poll is due, whoever made the last one.

A poll is :meth:`~gateway.upstream.fetcher.Upstream.refresh`: one LL2 call that skips
the fresh cache and stores its answer for everyone, paid from the same budget as
every other call.  The fetcher shows the hub every answer LL2 sends
(:attr:`~gateway.upstream.fetcher.Upstream.received`), so a query that happens to
fetch a watched object counts as its poll.  When an answer differs from the last
one seen, every local watcher is handed the new answer, and it is published for the
other processes.

How often: polling spends at most ``share`` of the hourly budget, spread over every
watched object (:mod:`gateway.live.budget`); an object beyond what the longest
interval can pay for is refused with ``LIVE_BUDGET_EXCEEDED``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from gateway.errors import GatewayError
from gateway.live.budget import affordable, poll_interval
from gateway.live.shared import Alone, Shared
from gateway.upstream.client import UpstreamResponse
from gateway.upstream.fetcher import Upstream

__all__ = ["Change", "LiveBudgetExceeded", "LiveHub", "Watch", "WatchedStatus", "fingerprint"]

log = logging.getLogger("gateway.live")


class LiveBudgetExceeded(GatewayError):
    """A new object to watch that the polling budget cannot pay for."""

    code = "LIVE_BUDGET_EXCEEDED"


def fingerprint(status: int, data: Any) -> str:
    """What identifies an LL2 answer's content (key order and layout do not count)."""
    body = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    return f"{status}:" + hashlib.blake2b(body, digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Change:
    """A new answer of a watched object: LL2's JSON (None: LL2 has it no more)."""

    fingerprint: str
    data: Any


class Watch:
    """One subscriber's view of a watched object: iterate for each change after now."""

    def __init__(self, hub: LiveHub, watched: _Watched) -> None:
        self.hub = hub
        self.watched = watched
        self._latest: Change | None = None
        self._seen: str | None = None
        self._wake = asyncio.Event()
        self._ended = False

    def offer(self, change: Change) -> None:
        """A newer answer (only the latest is kept: a slow reader skips none it needs)."""
        self._latest = change
        self._wake.set()

    def end(self) -> None:
        self._ended = True
        self._wake.set()

    async def leave(self) -> None:
        await self.hub.leave(self)

    def __aiter__(self) -> Watch:
        return self

    async def __anext__(self) -> Change:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._ended:
                raise StopAsyncIteration
            change = self._latest
            if change is not None and change.fingerprint != self._seen:
                self._seen = change.fingerprint
                return change


@dataclass(eq=False)
class _Watched:
    resource: str
    id: str
    path: str
    subscribers: set[Watch] = field(default_factory=set)
    task: asyncio.Task[None] | None = None
    #: Whether this process holds the lease (it polls).
    polling: bool = False
    polls: int = 0
    failed_polls: int = 0
    last_poll: float | None = None


@dataclass(frozen=True, slots=True)
class WatchedStatus:
    """One watched object as ``upstreamStatus`` reports it."""

    resource: str | None
    id: str | None
    path: str
    interval: float
    subscribers: int
    processes: int
    polling: bool
    polls: int
    last_poll: float | None


class LiveHub:
    """Every watched object of this process, and how it is polled.

    Args:
        upstream: The process's way to LL2 (its budget pays for the polls).
        shared: How the processes agree; :class:`~gateway.live.shared.Alone` by default.
        shortest: ``--live-interval``: the shortest interval between two polls.
        longest: ``--live-max-interval``: beyond it, a new object is refused.
        share: ``--live-budget-share``: the share of the hourly budget polls may take.
        lease: Seconds a poller's lease lasts unless renewed (renewed 3 times as often).
        timeout: Seconds one poll may take.
    """

    def __init__(
        self,
        upstream: Upstream,
        shared: Shared | None = None,
        *,
        shortest: float,
        longest: float,
        share: float,
        lease: float = 6.0,
        timeout: float = 30.0,
    ) -> None:
        self.upstream = upstream
        self.shared: Shared = shared if shared is not None else Alone()
        self.shortest = shortest
        self.longest = longest
        self.share = share
        self.lease = lease
        self.timeout = timeout
        self._objects: dict[str, _Watched] = {}
        #: path -> the last answer seen, for the paths watched here.
        self._latest: dict[str, Change] = {}
        #: Every path watched by any process, as last read (a query's call may be a poll).
        self._everywhere: dict[str, int] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sync: asyncio.Task[None] | None = None
        self._closed = False

    # -- life ---------------------------------------------------------------------------

    async def start(self) -> None:
        self.upstream.received.append(self._received)
        await self.shared.start(self._message)
        if self.shared.shared:
            self._sync = asyncio.create_task(self._heartbeat(), name="live-heartbeat")

    async def close(self) -> None:
        """End every watch (their subscriptions complete), stop every poller."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(ValueError):
            self.upstream.received.remove(self._received)
        for watched in list(self._objects.values()):
            for watch in list(watched.subscribers):
                watch.end()
            await self._stop(watched)
        if self._sync is not None:
            self._sync.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sync
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.shared.close()

    # -- budget -------------------------------------------------------------------------

    @property
    def rate_per_hour(self) -> float:
        return float(self.upstream.quota.rate_per_hour)

    def interval_for(self, watched: int) -> float:
        return poll_interval(
            watched, rate_per_hour=self.rate_per_hour, share=self.share, shortest=self.shortest
        )

    async def interval(self) -> float:
        """Seconds between two polls of each watched object, right now."""
        everywhere = await self.shared.watched()
        return self.interval_for(len(everywhere.keys() | self._objects.keys()))

    # -- watching -----------------------------------------------------------------------

    async def join(self, resource: str, id: str, path: str) -> Watch:
        """Watch the object at ``path`` until :meth:`Watch.leave`; its poller starts with
        the first watcher of this process.  Raises :class:`LiveBudgetExceeded` for a new
        object the budget cannot poll."""
        if self._closed:
            raise LiveBudgetExceeded("The gateway is shutting down: no new subscriptions.")
        watched = self._objects.get(path)
        if watched is None:
            await self._admit(path)
            watched = self._objects.get(path)  # another watcher may have come meanwhile
        if watched is None:
            watched = self._objects[path] = _Watched(resource, id, path)
            await self.shared.watching([path], self.lease * 2)
            await self.shared.polled(path, await self.interval(), only_if_unset=True)
            watched.task = asyncio.create_task(self._poll_loop(watched), name=f"live {path}")
        watch = Watch(self, watched)
        watched.subscribers.add(watch)
        return watch

    async def leave(self, watch: Watch) -> None:
        """The watcher is gone; the last one of the object stops its poller."""
        watched = watch.watched
        watched.subscribers.discard(watch)
        if not watched.subscribers and self._objects.get(watched.path) is watched:
            await self._stop(watched)

    @contextlib.asynccontextmanager
    async def watch(self, resource: str, id: str, path: str) -> AsyncIterator[Watch]:
        """Watch the object at ``path`` for as long as the block runs."""
        watch = await self.join(resource, id, path)
        try:
            yield watch
        finally:
            await self.leave(watch)

    async def admit(self, path: str) -> None:
        """Raise :class:`LiveBudgetExceeded` now if watching ``path`` would be refused."""
        if self._closed:
            raise LiveBudgetExceeded("The gateway is shutting down: no new subscriptions.")
        if path not in self._objects:
            await self._admit(path)

    async def _admit(self, path: str) -> None:
        everywhere = await self.shared.watched()
        watched = everywhere.keys() | self._objects.keys() | {path}
        options = {
            "rate_per_hour": self.rate_per_hour,
            "share": self.share,
            "shortest": self.shortest,
        }
        if not affordable(len(watched), longest=self.longest, **options):
            interval = self.interval_for(len(watched))
            raise LiveBudgetExceeded(
                f"Watching one more LL2 object would poll each of the {len(watched)} every "
                f"{interval:.0f} s, longer than the gateway's longest interval "
                f"({self.longest:g} s): the LL2 budget cannot pay for it.",
                watched=len(watched) - 1,
                intervalSeconds=round(interval, 3),
                maxIntervalSeconds=self.longest,
            )

    async def _stop(self, watched: _Watched) -> None:
        """Nobody here watches it any more: stop its poller, give its lease up."""
        if self._objects.get(watched.path) is watched:
            del self._objects[watched.path]
        self._latest.pop(watched.path, None)
        if watched.task is not None:
            watched.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watched.task
        await self.shared.release(watched.path)
        await self.shared.unwatch(watched.path)

    # -- polling ------------------------------------------------------------------------

    async def _poll_loop(self, watched: _Watched) -> None:
        renew = self.lease / 3
        while True:
            try:
                watched.polling = await self.shared.acquire(watched.path, self.lease)
                if not watched.polling:
                    await asyncio.sleep(renew)
                    continue
                due = await self.shared.due_in(watched.path)
                if due > 0:
                    await asyncio.sleep(min(due, renew))
                    continue
                await self._poll(watched)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("polling %s failed", watched.path)
                await asyncio.sleep(renew)

    async def _poll(self, watched: _Watched) -> None:
        await self.shared.polled(watched.path, await self.interval())
        watched.polls += 1
        watched.last_poll = time.time()
        deadline = time.monotonic() + self.timeout
        response = await self.upstream.refresh(watched.path, deadline=deadline)
        if response.cached:  # LL2 failed or the budget is spent: the cache stood in
            watched.failed_polls += 1

    def _received(
        self, path: str, params: dict[str, str] | None, response: UpstreamResponse
    ) -> None:
        """The fetcher's report of an answer LL2 sent (a poll, or any query's call)."""
        if params or (path not in self._objects and path not in self._everywhere):
            return
        change = Change(fingerprint(response.status, response.data), response.data)
        self._spawn(self._fetched(path, change))

    async def _fetched(self, path: str, change: Change) -> None:
        await self.shared.polled(path, await self.interval())  # it counts as a poll
        if self._observe(path, change):
            message = {"path": path, "fingerprint": change.fingerprint, "data": change.data}
            await self.shared.publish(orjson.dumps(message))

    def _message(self, raw: bytes) -> None:
        """Another process saw a change."""
        try:
            message = orjson.loads(raw)
            path, change = message["path"], Change(message["fingerprint"], message["data"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            log.warning("an unreadable live message was ignored")
            return
        if path in self._objects:
            self._observe(path, change)

    def _observe(self, path: str, change: Change) -> bool:
        """Hand a new answer to the local watchers; False when it is not new."""
        latest = self._latest.get(path)
        if latest is not None and latest.fingerprint == change.fingerprint:
            return False
        watched = self._objects.get(path)
        if watched is not None:
            self._latest[path] = change
            for watch in watched.subscribers:
                watch.offer(change)
        return True

    async def _heartbeat(self) -> None:
        """Keep this process's watches alive in Redis and learn every process's."""
        while True:
            try:
                await self.shared.watching(list(self._objects), self.lease * 2)
                self._everywhere = await self.shared.watched()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the live heartbeat failed")
            await asyncio.sleep(self.lease / 3)

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("live work failed", exc_info=task.exception())

    # -- status -------------------------------------------------------------------------

    async def status(self) -> tuple[float, list[WatchedStatus]]:
        """(the interval now, every object watched by any process)."""
        everywhere = await self.shared.watched()
        paths = everywhere.keys() | self._objects.keys()
        interval = self.interval_for(len(paths))
        report = []
        for path in sorted(paths):
            mine = self._objects.get(path)
            report.append(
                WatchedStatus(
                    resource=mine.resource if mine else None,
                    id=mine.id if mine else None,
                    path=path,
                    interval=interval,
                    subscribers=len(mine.subscribers) if mine else 0,
                    processes=max(everywhere.get(path, 0), 1 if mine else 0),
                    polling=bool(mine and mine.polling),
                    polls=mine.polls if mine else 0,
                    last_poll=mine.last_poll if mine else None,
                )
            )
        return interval, report
