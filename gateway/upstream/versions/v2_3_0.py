"""LL2 2.3.0: the version the gateway is written against; its adapter changes nothing.

Paths are :data:`gateway.upstream.paths.RESOURCE_PATHS`; modes, and whether a mode's
list page is whole, come from the 2.3.0 description (:mod:`gateway.upstream.modes`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from gateway.upstream.paths import RESOURCE_PATHS
from gateway.upstream.versions.base import VersionAdapter

__all__ = ["V2_3_0"]


class V2_3_0(VersionAdapter):
    version = "2.3.0"
    comma_id_filters: Mapping[str, str] = {"launches": "id"}

    def supports(self, resource: str) -> bool:
        return resource in RESOURCE_PATHS

    def list_path(self, resource: str) -> str:
        try:
            return RESOURCE_PATHS[resource]
        except KeyError:
            raise self.unsupported(resource) from None

    def map_params(self, resource: str, params: Mapping[str, str]) -> dict[str, str]:
        return dict(params)

    def normalise(self, resource: str, data: Any, *, detail: bool = False) -> Any:
        return data

    def is_whole(self, resource: str, mode: str | None) -> bool:
        from gateway.upstream.modes import is_whole  # modes imports the loaders package

        return is_whole(resource, mode)

    def richest_mode(self, resource: str) -> str | None:
        from gateway.upstream.modes import list_modes

        modes = list_modes(resource)
        return modes[-1][0] if modes else None

    def sweepable(self, resource: str) -> bool:
        return True

    @functools.cache  # noqa: B019 - adapters live as long as the process
    def sent_keys(self, resource: str) -> frozenset[str]:
        from gateway.offline.spec import load_spec

        schemas = load_spec().schemas.values()
        return frozenset(f.name for s in schemas if s.resource == resource for f in s.fields)
