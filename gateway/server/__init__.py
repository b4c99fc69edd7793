"""The HTTP server: the aiohttp application, its GraphQL view and error formatting.

Imported lazily, so that ``gateway.schema`` may use the schema extensions kept here
without importing the application (which imports the schema).
"""

from __future__ import annotations

from typing import Any

__all__ = ["APP_STATE", "AppState", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from gateway.server import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
