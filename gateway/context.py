"""The per-request context every resolver receives as ``info.context``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from gateway.loaders import EntityStore, Loaders
from gateway.settings import Settings
from gateway.upstream.fetcher import Upstream
from gateway.upstream.session import UpstreamSession
from gateway.upstream.versions import adapter_for

__all__ = ["Context"]


@dataclass
class Context:
    settings: Settings
    upstream: Upstream
    request: web.Request | None
    session: UpstreamSession
    store: EntityStore
    loaders: Loaders
    #: (field node id, entity class) -> LL2 keys selected below it.
    selections: dict[tuple[int, type], frozenset[str]] = field(default_factory=dict)
    #: (field node id, resource) -> the LL2 mode chosen for that list field.
    modes: dict[tuple[int, str], str | None] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        settings: Settings,
        upstream: Upstream,
        request: web.Request | None = None,
        *,
        explain: bool = False,
    ) -> Context:
        session = UpstreamSession(
            upstream,
            explain=explain,
            deadline=time.monotonic() + settings.request_timeout,
            version=adapter_for(settings.ll2_version),
        )
        store = EntityStore()
        return cls(
            settings=settings,
            upstream=upstream,
            request=request,
            session=session,
            store=store,
            loaders=Loaders(session, store),
        )

    @property
    def explain(self) -> bool:
        return self.session.explain

    def extensions(self) -> dict[str, Any]:
        report = self.session.tally.as_extension()
        if self.explain:
            report["planned"] = self.session.tally.planned
        return {"upstream": report}
