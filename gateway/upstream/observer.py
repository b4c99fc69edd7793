"""What the fetcher tells whoever watches it (the server's metrics), without knowing them.

The fetcher calls these hooks at the few points that matter to an operator: each
look-up in the LL2 answer cache, each call LL2 received and how it ended, each
expired answer served in place of a failed call.  The default does nothing.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["NO_OBSERVER", "UpstreamObserver"]


class UpstreamObserver(Protocol):
    def cache_lookup(self, hit: bool) -> None:
        """The LL2 answer cache was asked for an answer: ``hit`` when it had it fresh."""

    def ll2_call(self, path: str, outcome: str, seconds: float) -> None:
        """LL2 got a call to ``path``; ``outcome`` is its HTTP status (``"200"``) or, when
        none came back, the error code (``"UPSTREAM_TIMEOUT"``)."""

    def served_stale(self) -> None:
        """An expired answer stood in for a failed call."""


class _Nobody:
    def cache_lookup(self, hit: bool) -> None:
        pass

    def ll2_call(self, path: str, outcome: str, seconds: float) -> None:
        pass

    def served_stale(self) -> None:
        pass


NO_OBSERVER: UpstreamObserver = _Nobody()
