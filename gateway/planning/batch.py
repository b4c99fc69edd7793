"""How one loader batch gets N records of a resource from LL2 in the fewest calls.

LL2 has no multi-id filter for most resources, so the choice is per resource:

* ``comma``: a comma-list id filter (only ``launches?id=a,b``): one call per 100 ids;
* ``sweep``: read the whole table in pages of 100 (configurations, families, stations
  and docking locations fit in one page; a large table pays off for a large batch);
* ``singles``: concurrent ``/{id}/`` fetches.

Pure: the facts come in as arguments (the resource's record, what the upstream's
version offers, the table size seen so far).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

from gateway.ll2 import Resource

__all__ = ["PAGE", "BatchPlan", "Strategy", "plan_batch"]

#: LL2's largest page.
PAGE: Final = 100

Strategy = Literal["comma", "sweep", "singles"]


@dataclass(frozen=True, slots=True)
class BatchPlan:
    strategy: Strategy
    #: Upstream calls the plan costs (a lower bound for sweeps of unknown size).
    calls: int


def plan_batch(
    resource: Resource,
    n: int,
    table_size: int | None,
    *,
    comma_filter: str | None,
    sweepable: bool,
) -> BatchPlan:
    """The cheapest way to load ``n`` distinct ids of ``resource``.

    ``comma_filter`` is the upstream version's comma-list id filter for the resource;
    ``sweepable`` says its list pages hold what a detail holds (an older LL2 version's
    lists do not, so there it is ``/{id}/`` calls or nothing).
    """
    if comma_filter is not None:
        return BatchPlan("comma", math.ceil(n / PAGE))
    if not sweepable:
        return BatchPlan("singles", n)
    if resource.small_table and n >= 2:
        pages = math.ceil(table_size / PAGE) if table_size else 1
        if pages < n:
            return BatchPlan("sweep", pages)
    if table_size is not None and n > 1:
        pages = max(1, math.ceil(table_size / PAGE))
        if pages < n:
            return BatchPlan("sweep", pages)
    return BatchPlan("singles", n)
