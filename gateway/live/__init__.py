"""Live data: subscriptions fed by one quota-aware poller per watched LL2 object.

Below the GraphQL layers and above the upstream one: it polls through
:class:`~gateway.upstream.fetcher.Upstream` and knows nothing of GraphQL.  The hub
(:mod:`gateway.live.hub`) keeps the watched objects and their pollers; the budget
arithmetic is :mod:`gateway.live.budget`; how processes share the work (a Redis lease
per object, pub/sub for changes) is :mod:`gateway.live.shared`.
"""

from __future__ import annotations

from gateway.live.hub import Change, LiveBudgetExceeded, LiveHub, Watch, WatchedStatus
from gateway.live.shared import Alone, RedisShared, Shared

__all__ = [
    "Alone",
    "Change",
    "LiveBudgetExceeded",
    "LiveHub",
    "RedisShared",
    "Shared",
    "Watch",
    "WatchedStatus",
]
