"""How long each LL2 answer stays fresh, found from the path it was asked at.

Each resource names its freshness in :mod:`gateway.ll2.resources`; this module maps
every path that can reach the cache (each version's list and detail routes, and
LL2's vocabularies that no resource of the gateway reads as such) to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from gateway.ll2 import RESOURCES, VERSIONS, api
from gateway.ll2.freshness import (
    CATALOGUE,
    DEFAULT,
    EVENTS,
    NEVER,
    REFERENCE,
    STALE_FOR,
    Freshness,
)

__all__ = [
    "CATALOGUE",
    "DEFAULT",
    "EVENTS",
    "NEVER",
    "POLICY",
    "REFERENCE",
    "STALE_FOR",
    "Freshness",
    "ttl_for",
]

#: LL2 routes that are no resource of the gateway's, by their first segment.
_OTHER_ROUTES: Final[Mapping[str, Freshness]] = {
    "config": REFERENCE,  # every config/* vocabulary
    "launcher_configurations": REFERENCE,
    "launcher_configuration_families": REFERENCE,
    "locations": REFERENCE,
    "pads": REFERENCE,
    "celestial_bodies": REFERENCE,
    "launchers": CATALOGUE,
    "expeditions": CATALOGUE,
    "events": EVENTS,
    "updates": EVENTS,
    "api-throttle": NEVER,
}


def _policy() -> dict[str, Freshness]:
    table = dict(_OTHER_ROUTES)
    for record in RESOURCES.values():
        for version in VERSIONS:
            served = api(record.name, version)
            if served is not None:
                table[served.list_path.strip("/")] = record.freshness
    return table


#: A resource's list route (``spacecraft/flight`` in 2.2.0) or a route's first segment
#: -> its freshness.
POLICY: Final[Mapping[str, Freshness]] = MappingProxyType(_policy())


def ttl_for(path: str) -> Freshness:
    """``(ttl, stale_ttl)`` for an LL2 path such as ``spacecraft/602/``.

    The longest leading run of path segments that names a known route decides
    (2.2.0's ``spacecraft/flight/`` is a flight, not a spacecraft), searched from each
    segment on, so a query string, a leading slash, a version prefix
    (``2.3.0/launches/``) or a whole URL (a ``next`` link) all work.
    """
    segments = path.partition("?")[0].split("/")
    for i in range(len(segments)):
        policy = POLICY.get("/".join(segments[i : i + 2])) or POLICY.get(segments[i])
        if policy is not None:
            return policy
    return DEFAULT
