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

from gateway.ll2.spec import VERSIONS, ApiSpec, load_spec, load_version_spec

from .collect import InlineCatalog, inline_catalog
from .faults import Faults
from .legacy import LegacyRenderer
from .render import Renderer
from .snapshot import Snapshot
from .throttle import Throttle

__all__ = ["LoggedRequest", "OfflineUpstream", "VersionView"]


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


@dataclass(frozen=True, slots=True)
class VersionView:
    """One LL2 version the emulator serves: its description and its renderer."""

    spec: ApiSpec
    renderer: Renderer


class OfflineUpstream:
    """Everything the emulator's handlers share; reachable as ``app[UPSTREAM]``.

    ``spec`` is the 2.3.0 description; :attr:`versions` has every version served
    (2.3.0 and the older ones below it), each rendering the same snapshot.

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
        self.spec = spec if spec is not None else load_spec()
        self._serve(snapshot)
        self.latency = latency
        self.throttle = Throttle(request_limit, clock=clock)
        self.faults = faults if faults is not None else Faults()
        self.log: list[LoggedRequest] = []
        self.throttle_checks = 0

    def _serve(self, snapshot: Snapshot) -> None:
        """Serve ``snapshot``: every version's renderer (and its caches) made anew."""
        self.snapshot = snapshot
        self.renderer = Renderer(snapshot, self.spec)
        self.versions: dict[str, VersionView] = {
            version: VersionView(old, LegacyRenderer(snapshot, old))
            for version in VERSIONS
            if version != self.spec.version
            for old in (load_version_spec(version),)
        }
        self.versions[self.spec.version] = VersionView(self.spec, self.renderer)

    def patch_record(self, resource: str, id: str, patch: dict[str, Any]) -> dict[str, Any]:
        """Change one record (its snapshot form: references are ``{"$ref": [...]}``):
        ``patch``'s keys replace the record's; every later answer shows the change.

        Raises ``KeyError`` when there is no such record.
        """
        snapshot, record = self.snapshot.patched(resource, id, patch)
        self._serve(snapshot)
        return record

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

    def calls(self, path_prefix: str = "", version: str | None = None) -> list[LoggedRequest]:
        """Logged calls whose path (below ``/2.3.0/``, or ``version``) starts with
        ``path_prefix``."""
        prefix = f"/{version or self.spec.version}/{path_prefix}"
        return [r for r in self.log if r.path.startswith(prefix)]

    def version_of(self, path: str) -> str | None:
        """The served version a request path is below (``/2.2.0/...`` -> ``2.2.0``)."""
        head, sep, _ = path.removeprefix("/").partition("/")
        return head if sep and head in self.versions else None

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
