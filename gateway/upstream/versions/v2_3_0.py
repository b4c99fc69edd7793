"""LL2 2.3.0: the version the gateway is written against; its adapter changes nothing.

Paths, modes and whether a mode's list page is whole all come from the 2.3.0
description (:mod:`gateway.ll2`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.ll2 import RESOURCES
from gateway.upstream.versions.base import VersionAdapter

__all__ = ["V2_3_0"]


class V2_3_0(VersionAdapter):
    version = "2.3.0"

    def comma_id_filter(self, resource: str) -> str | None:
        record = RESOURCES.get(resource)
        return record.comma_id_filter if record is not None else None

    def map_params(self, resource: str, params: Mapping[str, str]) -> dict[str, str]:
        return dict(params)

    def normalise(
        self, resource: str, data: dict[str, Any], *, detail: bool = False
    ) -> dict[str, Any]:
        return data
