"""Where each resource lives below the LL2 2.3.0 base URL."""

from __future__ import annotations

from typing import Final

from gateway.offline.entities import RESOURCES

__all__ = ["RESOURCE_PATHS", "detail_path", "list_path"]

#: resource -> its list path: LL2 2.3.0's, as the snapshot contract names them.
RESOURCE_PATHS: Final[dict[str, str]] = RESOURCES


def list_path(resource: str) -> str:
    return RESOURCE_PATHS[resource]


def detail_path(resource: str, id: str) -> str:
    return f"{RESOURCE_PATHS[resource]}{id}/"
