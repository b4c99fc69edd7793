"""One GraphQL request's view of LL2: every distinct GET at most once, and its cost.

Identical GETs within a request share one task, so no upstream request repeats
within a query however the resolvers ask; the process-wide :class:`Upstream`
below adds the cache, coalescing across requests and the quota.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from gateway.errors import UpstreamBadResponse
from gateway.upstream.client import UpstreamResponse
from gateway.upstream.fetcher import Tally, Upstream
from gateway.upstream.paths import detail_path, list_path

__all__ = ["Page", "UpstreamSession"]

_PAGING = frozenset({"limit", "offset", "mode", "ordering"})


def _filtered(params: dict[str, str]) -> bool:
    """Whether a list request narrows the table (then its count is not the table's)."""
    return any(name not in _PAGING for name in params)


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
    upstream: Upstream
    #: Plan instead of calling: record each call LL2 would get (``explain``).
    explain: bool = False
    #: ``time.monotonic()`` by which the request must be answered; retries stop short of it.
    deadline: float | None = None
    tally: Tally = field(default_factory=Tally)
    _tasks: dict[tuple[str, tuple[tuple[str, str], ...]], asyncio.Task[UpstreamResponse]] = field(
        default_factory=dict
    )

    async def get(self, path: str, params: dict[str, str] | None = None) -> UpstreamResponse:
        key = (path, tuple(sorted((params or {}).items())))
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(
                self.upstream.get(
                    path, params, self.tally, explain=self.explain, deadline=self.deadline
                )
            )
            task.add_done_callback(_retrieve)
            self._tasks[key] = task
        else:
            self.tally.deduplicated += 1
        return await asyncio.shield(task)

    async def page(self, resource: str, params: dict[str, str], *, whole: bool = False) -> Page:
        """A list page; ``whole`` says every result has its detail endpoint's shape."""
        data = (await self.get(list_path(resource), params)).data
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("results"), list)
            or not isinstance(data.get("count"), int)
        ):
            raise UpstreamBadResponse(f"LL2 sent a {resource} page without count and results")
        results = [r for r in data["results"] if isinstance(r, dict)]
        if not _filtered(params):
            self.upstream.table_sizes[resource] = data["count"]
        if whole:
            for item in results:
                if item.get("id") is not None:
                    await self.upstream.remember(detail_path(resource, str(item["id"])), item)
        return Page(data["count"], results)

    def table_size(self, resource: str) -> int | None:
        return self.upstream.table_sizes.get(resource)

    async def cached_detail(self, resource: str, id: str) -> dict[str, Any] | None:
        """A record's detail answer if the cache holds it fresh; never calls LL2."""
        response = await self.upstream.peek(detail_path(resource, id), None, self.tally)
        return response.data if response is not None and isinstance(response.data, dict) else None

    async def detail(self, resource: str, id: str) -> dict[str, Any] | None:
        data = (await self.get(detail_path(resource, id))).data
        if data is not None and not isinstance(data, dict):
            raise UpstreamBadResponse(f"LL2 sent a {resource} record that is not an object")
        return data
