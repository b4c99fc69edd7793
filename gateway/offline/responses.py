"""JSON answers shaped like Django REST Framework's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web

__all__ = ["detail", "json_response"]


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """``data`` serialised by orjson as ``application/json``."""
    return web.Response(
        body=orjson.dumps(data), status=status, headers=headers, content_type="application/json"
    )


def detail(message: str, status: int, headers: Mapping[str, str] | None = None) -> web.Response:
    """DRF's error body: ``{"detail": message}``."""
    return json_response({"detail": message}, status=status, headers=headers)
