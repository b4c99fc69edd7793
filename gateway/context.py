"""The per-request context every resolver receives as ``info.context``.

It holds nothing that refers back to it (not the HTTP request, which holds it): a
reference cycle would make everything a request built garbage that only the cycle
collector frees.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from gateway.loaders import RequestLoader
from gateway.settings import Settings
from gateway.upstream.dryrun import DryRun
from gateway.upstream.fetcher import Upstream
from gateway.upstream.session import UpstreamSession
from gateway.upstream.versions import adapter_for

__all__ = ["Context"]


@dataclass(frozen=True, slots=True)
class Context:
    settings: Settings
    upstream: Upstream
    #: The request's loading (:class:`gateway.types.resolving.RequestData`).
    data: RequestLoader
    #: Plan instead of calling: the session's upstream is a dry run (``X-Explain``).
    explain: bool = False

    @classmethod
    def create(
        cls,
        settings: Settings,
        upstream: Upstream,
        *,
        explain: bool = False,
    ) -> Context:
        session = UpstreamSession(
            DryRun(upstream) if explain else upstream,
            deadline=time.monotonic() + settings.request_timeout,
            version=adapter_for(settings.ll2_version),
        )
        return cls(settings, upstream, RequestLoader(session), explain)

    @property
    def session(self) -> UpstreamSession:
        return self.data.session

    def extensions(self) -> dict[str, Any]:
        return {"upstream": self.session.tally.as_extension(explain=self.explain)}
