"""The state of one offline LL2 upstream: data, options, quota, faults and call log.

Tests and the gateway's benchmarks need to know how many calls reached the upstream;
every LL2 call is appended to :attr:`OfflineUpstream.log` (``/api-throttle/`` and the
``/_offline/*`` control routes are not LL2 calls and are not logged).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from .collect import InlineCatalog, inline_catalog
from .faults import Faults
from .render import Renderer
from .snapshot import Snapshot
from .spec import ApiSpec, load_spec
from .throttle import Throttle

__all__ = ["LoggedRequest", "OfflineUpstream"]


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One LL2 call as served: ``status`` 0 means the connection was dropped."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    bytes: int
    fault: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class OfflineUpstream:
    """Everything the emulator's handlers share; reachable as ``app[UPSTREAM]``.

    ``latency`` (seconds added to every call), ``request_limit`` (calls per hour per
    client, None = unlimited) and ``faults`` may be changed while serving.
    """

    def __init__(
        self,
        snapshot: Snapshot,
        spec: ApiSpec | None = None,
        *,
        latency: float = 0.0,
        request_limit: int | None = None,
        faults: Faults | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.snapshot = snapshot
        self.spec = spec if spec is not None else load_spec()
        self.renderer = Renderer(snapshot, self.spec)
        self.latency = latency
        self.throttle = Throttle(request_limit, clock=clock)
        self.faults = faults if faults is not None else Faults()
        self.log: list[LoggedRequest] = []
        self.throttle_checks = 0

    @property
    def request_limit(self) -> int | None:
        return self.throttle.limit

    @request_limit.setter
    def request_limit(self, value: int | None) -> None:
        self.throttle.limit = value

    @property
    def catalog(self) -> InlineCatalog:
        """Inline statuses/types/licenses/roles, for the ``config/*`` endpoints."""
        return inline_catalog(self.snapshot, self.spec)

    @property
    def call_count(self) -> int:
        return len(self.log)

    def calls(self, path_prefix: str = "") -> list[LoggedRequest]:
        """Logged calls whose path (below ``/2.3.0/``) starts with ``path_prefix``."""
        prefix = f"/{self.spec.version}/{path_prefix}"
        return [r for r in self.log if r.path.startswith(prefix)]

    def record(self, entry: LoggedRequest) -> None:
        self.log.append(entry)

    def reset(self) -> None:
        """Forget calls, quota use and fault rules (options are kept)."""
        self.log.clear()
        self.throttle.reset()
        self.faults.clear()
        self.throttle_checks = 0

    def options(self) -> dict[str, Any]:
        return {"latency": self.latency, "request_limit": self.request_limit}
