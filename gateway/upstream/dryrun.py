"""Explain mode's upstream: every call LL2 would get is recorded, none is made.

:class:`DryRun` stands where the process-wide :class:`~gateway.upstream.fetcher.Upstream`
stands for one request.  What the cache holds fresh answers as usual (it costs no
call); anything else is recorded in the tally and answered as LL2 would answer for
data it does not have: an empty page, or a 404.  Planning then goes on exactly as it
would, so the report lists the calls of the first level an operation needs (deeper
calls depend on data a dry run does not have).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.upstream.client import UpstreamResponse
from gateway.upstream.fetcher import Upstream
from gateway.upstream.tally import Tally

__all__ = ["DryRun"]

_EMPTY_PAGE = UpstreamResponse({"count": 0, "results": []}, 200, 0, 0.0, planned=True)
_MISSING = UpstreamResponse(None, 404, 0, 0.0, planned=True)


class DryRun:
    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    @property
    def table_sizes(self) -> dict[str, int]:
        return self.upstream.table_sizes

    async def get(
        self,
        path: str,
        params: dict[str, str] | None,
        tally: Tally,
        *,
        deadline: float | None = None,
        started: float | None = None,
    ) -> UpstreamResponse:
        found = await self.upstream.peek(path, params, tally)
        if found is not None:
            return found
        tally.would_call(path, params)
        return _EMPTY_PAGE if params else _MISSING

    async def peek(
        self, path: str, params: dict[str, str] | None, tally: Tally
    ) -> UpstreamResponse | None:
        return await self.upstream.peek(path, params, tally)

    async def remember(self, items: Mapping[str, dict[str, Any]]) -> None:
        """Nothing to remember: a dry run receives no data."""

    def note_count(self, path: str, params: Mapping[str, str], count: int) -> None:
        """Nothing to note: a dry run receives no data."""

    def known_count(self, path: str, params: Mapping[str, str]) -> int | None:
        return self.upstream.known_count(path, params)
