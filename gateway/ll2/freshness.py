"""How long an LL2 answer stays fresh, by how often LL2 changes what it holds.

LL2 allows 15 calls an hour without a key, so every fresh hit is a call saved; the
price is serving data up to ``ttl`` old.  Each class below sets that price for
resources that change at a similar pace (each :class:`~gateway.ll2.resources.Resource`
names its own).  After ``ttl`` an answer stays ``STALE_FOR`` longer as a fallback for
when LL2 fails or the budget is spent: day-old data beats an error.
"""

from __future__ import annotations

from typing import Final, NamedTuple

__all__ = [
    "CATALOGUE",
    "DEFAULT",
    "EVENTS",
    "HOUR",
    "MINUTE",
    "NEVER",
    "REFERENCE",
    "STALE_FOR",
    "Freshness",
]


class Freshness(NamedTuple):
    """Seconds an answer is fresh, then seconds more it may stand in for a failed call."""

    ttl: float
    stale_ttl: float


MINUTE: Final = 60.0
HOUR: Final = 60 * MINUTE
#: How long past its freshness an answer can still stand in for a failed call.
STALE_FOR: Final = 24 * HOUR

#: Reference data (vehicle configurations and families, agencies, docking ports,
#: status and type vocabularies): edited by hand a few times a year.
REFERENCE: Final = Freshness(6 * HOUR, STALE_FOR)
#: Catalogue records (spacecraft, astronauts, stations): a status, a flight count
#: or a crew changes a few times a month, rarely within the hour.
CATALOGUE: Final = Freshness(1 * HOUR, STALE_FOR)
#: Events in time (flights, dockings, launches, landings): net dates, statuses
#: and outcomes move by the minute around a launch.
EVENTS: Final = Freshness(5 * MINUTE, STALE_FOR)
#: Answers that differ on every call (the quota report): never cached.
NEVER: Final = Freshness(0.0, 0.0)
#: A path no resource claims: the shortest life, as nothing is known of it.
DEFAULT: Final = EVENTS
