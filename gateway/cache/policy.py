"""How long each LL2 answer stays fresh, by how often LL2 changes the resource.

LL2 allows 15 calls an hour without a key, so every fresh hit is a call saved;
the price is serving data up to ``ttl`` old. Each class below sets that price
for resources that change at a similar pace. After ``ttl`` an answer stays
``STALE_FOR`` longer as a fallback for when LL2 fails or the budget is spent:
day-old data beats an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, TypeAlias

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

#: ``(ttl, stale_ttl)`` in seconds.
Freshness: TypeAlias = tuple[float, float]

MINUTE: Final = 60.0
HOUR: Final = 60 * MINUTE
#: How long past its freshness an answer can still stand in for a failed call.
STALE_FOR: Final = 24 * HOUR

#: Reference data (vehicle configurations and families, agencies, docking ports,
#: status and type vocabularies): edited by hand a few times a year.
REFERENCE: Final[Freshness] = (6 * HOUR, STALE_FOR)
#: Catalogue records (spacecraft, astronauts, stations): a status, a flight count
#: or a crew changes a few times a month, rarely within the hour.
CATALOGUE: Final[Freshness] = (1 * HOUR, STALE_FOR)
#: Events in time (flights, dockings, launches, landings): net dates, statuses
#: and outcomes move by the minute around a launch.
EVENTS: Final[Freshness] = (5 * MINUTE, STALE_FOR)
#: Answers that differ on every call (the quota report): never cached.
NEVER: Final[Freshness] = (0.0, 0.0)
#: A resource not in the table: the shortest life, as nothing is known of it.
DEFAULT: Final[Freshness] = EVENTS

#: First path segment (or two, ``spacecraft/flight``) naming a resource -> its freshness.
POLICY: Final[Mapping[str, Freshness]] = MappingProxyType(
    {
        "config": REFERENCE,  # every config/* vocabulary, docking_locations included
        "spacecraft_configurations": REFERENCE,
        "spacecraft_configuration_families": REFERENCE,
        "launcher_configurations": REFERENCE,
        "launcher_configuration_families": REFERENCE,
        "agencies": REFERENCE,
        "locations": REFERENCE,
        "pads": REFERENCE,
        "celestial_bodies": REFERENCE,
        "spacecraft": CATALOGUE,
        "astronauts": CATALOGUE,
        "space_stations": CATALOGUE,
        "launchers": CATALOGUE,
        "expeditions": CATALOGUE,
        "spacecraft_flights": EVENTS,
        "docking_events": EVENTS,
        "launches": EVENTS,
        "landings": EVENTS,
        "events": EVENTS,
        "updates": EVENTS,
        "api-throttle": NEVER,
        # LL2 2.0.0 / 2.2.0 routes (``gateway.upstream.versions``)
        "astronaut": CATALOGUE,
        "spacestation": CATALOGUE,
        "spacecraft/flight": EVENTS,
        "docking_event": EVENTS,
        "launch": EVENTS,
    }
)


def ttl_for(path: str) -> Freshness:
    """``(ttl, stale_ttl)`` for an LL2 path such as ``spacecraft/602/``.

    The first path segment that names a known resource decides (two segments first:
    2.2.0's ``spacecraft/flight/`` is a flight, not a spacecraft), so a query string,
    a leading slash, a version prefix (``2.3.0/launches/``) or a whole URL (a ``next``
    link) all work.
    """
    segments = path.partition("?")[0].split("/")
    for i, segment in enumerate(segments):
        policy = POLICY.get("/".join(segments[i : i + 2])) or POLICY.get(segment)
        if policy is not None:
            return policy
    return DEFAULT
