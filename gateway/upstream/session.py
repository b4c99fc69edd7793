"""One GraphQL request's view of LL2: every distinct GET at most once, and its cost.

Identical GETs within a request share one task, so no upstream request repeats
within a query however the resolvers ask; the process-wide :class:`Upstream`
below adds the cache, coalescing across requests and the quota (in explain mode a
:class:`~gateway.upstream.dryrun.DryRun` of it records the calls instead).  The
session owns the request's :class:`~gateway.upstream.tally.Tally`.

The session holds the adapter of the upstream's LL2 version (``version``): it chooses
the paths, and every object received is normalised into the 2.3.0 shape right here.
The cache keeps bodies exactly as LL2 sent them.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from gateway.errors import UpstreamBadResponse
from gateway.upstream.client import UpstreamResponse
from gateway.upstream.counts import PAGING
from gateway.upstream.fetcher import Fetching
from gateway.upstream.tally import Tally
from gateway.upstream.versions import VersionAdapter, current

__all__ = ["Page", "UpstreamSession"]


def _filtered(params: dict[str, str]) -> bool:
    """Whether a list request narrows the table (then its count is not the table's)."""
    return any(name not in PAGING for name in params)


def _retrieve(task: asyncio.Task[UpstreamResponse]) -> None:
    """Mark a failure as seen: whoever awaited it may have been cancelled meanwhile."""
    if not task.cancelled():
        task.exception()


@dataclass(frozen=True, slots=True)
class Page:
    """One LL2 list page, results still raw (they become types in the loaders)."""

    count: int
    results: list[dict[str, Any]]


@dataclass
class UpstreamSession:
    upstream: Fetching
    #: ``time.monotonic()`` by which the request must be answered; retries stop short of it.
    deadline: float | None = None
    #: ``time.monotonic()`` when the request began: expired copies answer a while after.
    started: float = field(default_factory=time.monotonic)
    tally: Tally = field(default_factory=Tally)
    #: The upstream's LL2 version: paths, parameters and shapes.
    version: VersionAdapter = field(default_factory=current)
    _tasks: dict[tuple[str, tuple[tuple[str, str], ...]], asyncio.Task[UpstreamResponse]] = field(
        default_factory=dict
    )

    async def get(self, path: str, params: dict[str, str] | None = None) -> UpstreamResponse:
        key = (path, tuple(sorted((params or {}).items())))
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(
                self.upstream.get(
                    path, params, self.tally, deadline=self.deadline, started=self.started
                )
            )
            task.add_done_callback(_retrieve)
            self._tasks[key] = task
        else:
            self.tally.repeated()
        return await asyncio.shield(task)

    async def page(self, resource: str, params: dict[str, str], *, whole: bool = False) -> Page:
        """A list page; ``whole`` says every result has its detail endpoint's shape."""
        version = self.version
        path = version.list_path(resource)
        response = await self.get(path, params)
        data = response.data
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("results"), list)
            or not isinstance(data.get("count"), int)
        ):
            raise UpstreamBadResponse(
                f"LL2 sent a page of {resource} without `count` and `results`"
            )
        results = [r for r in data["results"] if isinstance(r, dict)]
        if response.planned:
            return Page(0, [])
        if not response.cached:
            self.upstream.note_count(path, params, data["count"])
        if not _filtered(params):
            self.upstream.table_sizes[resource] = data["count"]
        if whole and not response.cached:  # stored once, when LL2 sent the page
            await self.upstream.remember(
                {
                    version.detail_path(resource, str(item["id"])): item
                    for item in results
                    if item.get("id") is not None
                }
            )
        return Page(data["count"], [version.normalise(resource, r) for r in results])

    def table_size(self, resource: str) -> int | None:
        return self.upstream.table_sizes.get(resource)

    def known_count(self, resource: str, params: dict[str, str]) -> int | None:
        """How many items a list query (``params`` as :meth:`page` takes them) has, if
        LL2 said so recently; paging, mode and order do not count."""
        return self.upstream.known_count(self.version.list_path(resource), params)

    def plan(self, calls: int) -> None:
        """The planner chose a way to LL2 that costs ``calls`` calls."""
        self.tally.plan(calls)

    async def cached_detail(self, resource: str, id: str) -> dict[str, Any] | None:
        """A record's detail answer if the cache holds it fresh; never calls LL2."""
        if not self.version.supports(resource):
            return None
        path = self.version.detail_path(resource, id)
        response = await self.upstream.peek(path, None, self.tally)
        if response is None or not isinstance(response.data, dict):
            return None
        return self.version.normalise(resource, response.data, detail=True)

    async def detail(self, resource: str, id: str) -> dict[str, Any] | None:
        """The detail answer; None when LL2 has no such record, or (older versions) no
        endpoint for the resource: what the request already holds is all there is."""
        if not self.version.supports(resource):
            return None
        data = (await self.get(self.version.detail_path(resource, id))).data
        if data is None:
            return None
        if not isinstance(data, dict) or data.get("id") is None:
            raise UpstreamBadResponse(f"LL2 sent a record of {resource} without an `id`")
        return self.version.normalise(resource, data, detail=True)
