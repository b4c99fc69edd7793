"""One GraphQL request's view of LL2: every distinct GET at most once, and its cost.

Identical GETs within a request share one in-flight task, so no upstream request
repeats within a query however the resolvers ask.  The tally feeds
``extensions.upstream`` of the response.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from gateway.errors import UpstreamBadResponse
from gateway.upstream.client import LL2Client, UpstreamResponse
from gateway.upstream.paths import detail_path, list_path

__all__ = ["Page", "Tally", "UpstreamSession"]


_PAGING = frozenset({"limit", "offset", "mode", "ordering"})


def _filtered(params: dict[str, str]) -> bool:
    """Whether a list request narrows the table (then its count is not the table's)."""
    return any(name not in _PAGING for name in params)


@dataclass(slots=True)
class Tally:
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    deduplicated: int = 0

    def as_extension(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "bytesReceived": self.bytes,
            "timeMs": round(self.seconds * 1000, 1),
            "deduplicated": self.deduplicated,
        }


@dataclass(frozen=True, slots=True)
class Page:
    """One LL2 list page, results still raw (they become types in the loaders)."""

    count: int
    results: list[dict[str, Any]]


@dataclass
class UpstreamSession:
    client: LL2Client
    tally: Tally = field(default_factory=Tally)
    #: resource -> row count, from the ``count`` of any list page seen.
    table_sizes: dict[str, int] = field(default_factory=dict)
    _inflight: dict[tuple[str, tuple[tuple[str, str], ...]], asyncio.Task[UpstreamResponse]] = (
        field(default_factory=dict)
    )

    async def get(self, path: str, params: dict[str, str] | None = None) -> UpstreamResponse:
        key = (path, tuple(sorted((params or {}).items())))
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch(path, params))
            self._inflight[key] = task
        else:
            self.tally.deduplicated += 1
        return await asyncio.shield(task)

    async def _fetch(self, path: str, params: dict[str, str] | None) -> UpstreamResponse:
        self.tally.requests += 1
        response = await self.client.get(path, params)
        self.tally.bytes += response.nbytes
        self.tally.seconds += response.seconds
        return response

    async def page(self, resource: str, params: dict[str, str]) -> Page:
        data = (await self.get(list_path(resource), params)).data
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("results"), list)
            or not isinstance(data.get("count"), int)
        ):
            raise UpstreamBadResponse(f"LL2 sent a {resource} page without count and results")
        if not _filtered(params):
            self.table_sizes[resource] = data["count"]
        return Page(data["count"], [r for r in data["results"] if isinstance(r, dict)])

    def table_size(self, resource: str) -> int | None:
        return self.table_sizes.get(resource)

    async def detail(self, resource: str, id: str) -> dict[str, Any] | None:
        data = (await self.get(detail_path(resource, id))).data
        if data is not None and not isinstance(data, dict):
            raise UpstreamBadResponse(f"LL2 sent a {resource} record that is not an object")
        return data
