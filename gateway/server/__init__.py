"""The HTTP server: the aiohttp application, its GraphQL view, errors and lifecycle."""

from __future__ import annotations

from gateway.server.app import create_app
from gateway.server.state import APP_STATE, AppState

__all__ = ["APP_STATE", "AppState", "create_app"]
