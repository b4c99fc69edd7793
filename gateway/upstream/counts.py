"""How many items LL2 said a list query has, while that answer is fresh.

A page past the end of a list is empty whatever LL2 is asked, so when the count of
the same query (same filters, any page, size, mode or order) came from LL2 recently,
such a page is answered without a call.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Final

__all__ = ["PAGING", "ListCounts"]

#: Parameters that choose a page, its shape or its order, not which items the list has.
PAGING: Final = frozenset({"limit", "offset", "mode", "ordering"})


def _key(path: str, params: Mapping[str, str]) -> str:
    return path + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in PAGING)


class ListCounts:
    """A bounded map of list query -> (count, until when it holds)."""

    def __init__(self, max_entries: int = 4096, *, clock: Callable[[], float] = time.monotonic):
        self.max_entries = max_entries
        self._clock = clock
        self._counts: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def note(self, path: str, params: Mapping[str, str], count: int, ttl: float) -> None:
        """LL2 just said the query at ``path`` has ``count`` items; true for ``ttl`` s."""
        key = _key(path, params)
        self._counts.pop(key, None)
        if ttl <= 0:
            return
        self._counts[key] = (count, self._clock() + ttl)
        while len(self._counts) > self.max_entries:
            self._counts.popitem(last=False)

    def get(self, path: str, params: Mapping[str, str]) -> int | None:
        """The count, if one is known and still fresh."""
        key = _key(path, params)
        found = self._counts.get(key)
        if found is None:
            return None
        if self._clock() >= found[1]:
            del self._counts[key]
            return None
        return found[0]
