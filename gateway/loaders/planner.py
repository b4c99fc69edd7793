"""How one loader batch gets N entities from LL2 in the fewest calls.

LL2 has no multi-id filter for most resources, so the choice is per resource:

* ``comma``: a comma-list id filter (only ``launches?id=a,b``): one call per 100 ids;
* ``sweep``: read the whole table in pages of 100 (configurations, families, stations
  and docking locations fit in one page; a large table pays off for a large batch);
* ``singles``: concurrent ``/{id}/`` fetches.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["COMMA_ID_FILTERS", "PAGE", "SMALL_TABLES", "BatchPlan", "plan_batch"]

PAGE: Final = 100
#: Tables that fit in one or two pages of 100 (LL2 has ~46 configurations, ~15 stations).
SMALL_TABLES: Final = frozenset(
    {
        "spacecraft_configurations",
        "spacecraft_configuration_families",
        "space_stations",
        "docking_locations",
    }
)
#: resource -> the list filter that takes comma-separated ids (in LL2 2.3.0; each version
#: adapter says its own: ``VersionAdapter.comma_id_filters``).
COMMA_ID_FILTERS: Final = {"launches": "id"}

Strategy = Literal["comma", "sweep", "singles"]


@dataclass(frozen=True, slots=True)
class BatchPlan:
    strategy: Strategy
    #: Upstream calls the plan costs (a lower bound for sweeps of unknown size).
    calls: int


def plan_batch(
    resource: str,
    n: int,
    table_size: int | None,
    *,
    comma_filters: Mapping[str, str] = COMMA_ID_FILTERS,
    sweepable: bool = True,
) -> BatchPlan:
    """The cheapest way to load ``n`` distinct ids of ``resource``.

    ``sweepable`` says list pages hold what a detail holds (an older LL2 version's
    lists do not, so there it is ``/{id}/`` calls or nothing).
    """
    if resource in comma_filters:
        return BatchPlan("comma", math.ceil(n / PAGE))
    if not sweepable:
        return BatchPlan("singles", n)
    if resource in SMALL_TABLES and n >= 2:
        pages = math.ceil(table_size / PAGE) if table_size else 1
        if pages < n:
            return BatchPlan("sweep", pages)
    if table_size is not None and n > 1:
        pages = max(1, math.ceil(table_size / PAGE))
        if pages < n:
            return BatchPlan("sweep", pages)
    return BatchPlan("singles", n)
