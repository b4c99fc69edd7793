"""The per-request context every resolver receives as ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from gateway.loaders import EntityStore, Loaders
from gateway.settings import Settings
from gateway.upstream.client import LL2Client
from gateway.upstream.session import UpstreamSession

__all__ = ["Context"]


@dataclass
class Context:
    settings: Settings
    request: web.Request | None
    session: UpstreamSession
    store: EntityStore
    loaders: Loaders
    #: (field node id, entity class) -> LL2 keys selected below it.
    selections: dict[tuple[int, type], frozenset[str]] = field(default_factory=dict)

    @classmethod
    def create(
        cls, settings: Settings, client: LL2Client, request: web.Request | None = None
    ) -> Context:
        session = UpstreamSession(client)
        store = EntityStore()
        return cls(
            settings=settings,
            request=request,
            session=session,
            store=store,
            loaders=Loaders(session, store),
        )

    def extensions(self) -> dict[str, Any]:
        return {"upstream": self.session.tally.as_extension()}
