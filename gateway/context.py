"""The per-request context every resolver receives as ``info.context``.

It holds nothing that refers back to it (not the HTTP request, which holds it): a
reference cycle would make everything a request built garbage that only the cycle
collector frees.  The one exception, graphql-core's execution contexts (which hold it
and themselves), is undone by :meth:`Context.release` once the answer is complete.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from gateway.live import LiveHub
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
    #: The live hub, for subscriptions (:mod:`gateway.live`); None where there is none.
    live: LiveHub | None = None
    #: graphql-core execution contexts of this request, emptied by :meth:`release`
    #: (:mod:`gateway.extensions.execution`).
    executions: list[Any] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        settings: Settings,
        upstream: Upstream,
        *,
        explain: bool = False,
        live: LiveHub | None = None,
    ) -> Context:
        session = _session(settings, upstream, explain)
        return cls(settings, upstream, RequestLoader(session), explain, live)

    def release(self, *, executions: bool = True) -> None:
        """Drop what the request built, once its answer is complete: its loading and,
        with ``executions``, its execution contexts, which refer to themselves and would
        otherwise keep all of it for the cycle collector."""
        self.data.release()
        if executions:
            for execution in self.executions:
                vars(execution).clear()
        self.executions.clear()

    def renew(self) -> None:
        """Start over, as a new request would: a subscription's next event has its own
        session (cost, deadline) and holds nothing of the previous one."""
        self.data.restart(_session(self.settings, self.upstream, self.explain))

    @property
    def session(self) -> UpstreamSession:
        return self.data.session

    def extensions(self) -> dict[str, Any]:
        return {"upstream": self.session.tally.as_extension(explain=self.explain)}


def _session(settings: Settings, upstream: Upstream, explain: bool) -> UpstreamSession:
    return UpstreamSession(
        DryRun(upstream) if explain else upstream,
        deadline=time.monotonic() + settings.request_timeout,
        version=adapter_for(settings.ll2_version),
    )
