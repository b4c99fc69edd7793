"""Typed application and request keys of the offline upstream's aiohttp app."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from .state import OfflineUpstream

__all__ = ["RENDERED_SCHEMA", "UPSTREAM"]

#: the :class:`OfflineUpstream` serving an app: ``app[UPSTREAM].log``.
UPSTREAM: Final = web.AppKey("offline_upstream", OfflineUpstream)

#: the serializer a response was rendered with (used to shape injected ``nulls``).
RENDERED_SCHEMA: Final = web.RequestKey("offline_rendered_schema", str)
