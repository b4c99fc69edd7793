"""Adapters at the upstream edge: one per LL2 version the gateway can sit on.

``adapter_for(settings.ll2_version)`` is what each request's
:class:`~gateway.upstream.session.UpstreamSession` holds; see
:mod:`gateway.upstream.versions.base` for what an adapter answers.
"""

from __future__ import annotations

import functools

from gateway.ll2 import VERSIONS
from gateway.upstream.versions.base import VersionAdapter

__all__ = ["VERSIONS", "VersionAdapter", "adapter_for", "current"]


@functools.cache
def adapter_for(version: str) -> VersionAdapter:
    """The (shared) adapter of an LL2 version; ``ValueError`` for one without."""
    if version == "2.3.0":
        from gateway.upstream.versions.v2_3_0 import V2_3_0

        return V2_3_0()
    if version == "2.2.0":
        from gateway.upstream.versions.v2_2_0 import V2_2_0

        return V2_2_0()
    if version == "2.0.0":
        from gateway.upstream.versions.v2_0_0 import V2_0_0

        return V2_0_0()
    raise ValueError(f"no adapter for LL2 {version!r}; known: {', '.join(VERSIONS)}")


def current() -> VersionAdapter:
    """The adapter of LL2 2.3.0, which the gateway is written against (changes nothing)."""
    return adapter_for("2.3.0")
