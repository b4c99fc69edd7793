"""What the application owns for its whole life, under one typed key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from gateway.server.responses import ResponseCache
from gateway.settings import Settings
from gateway.upstream.fetcher import Upstream

__all__ = ["APP_STATE", "AppState"]


@dataclass
class AppState:
    settings: Settings
    #: Set by the upstream cleanup context while the app runs.
    upstream_: Upstream | None = None
    upstream_url: str | None = None
    #: The in-process offline upstream, when no ``--upstream`` was given.
    offline: Any = None
    #: This process's number among ``--workers`` (0: the only one).
    worker: int = 0
    #: Whole answers by operation (``--response-cache``), while the app runs.
    responses: ResponseCache | None = None

    @property
    def upstream(self) -> Upstream:
        if self.upstream_ is None:
            raise RuntimeError("the upstream exists only while the app runs")
        return self.upstream_


APP_STATE = web.AppKey("gateway_state", AppState)
