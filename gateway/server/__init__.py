"""The HTTP server: the aiohttp application, its GraphQL view and error formatting."""

from gateway.server.app import APP_STATE, AppState, create_app

__all__ = ["APP_STATE", "AppState", "create_app"]
