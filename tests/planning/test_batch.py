"""The batch planner: the cheapest way to N records, as a plain function."""

from __future__ import annotations

import pytest

from gateway.ll2 import RESOURCES
from gateway.planning.batch import BatchPlan, plan_batch

SPACECRAFT = RESOURCES["spacecraft"]
CONFIGS = RESOURCES["spacecraft_configurations"]
LAUNCHES = RESOURCES["launches"]


def test_a_comma_filter_costs_one_call_per_hundred_ids() -> None:
    assert plan_batch(LAUNCHES, 1, None, comma_filter="id", sweepable=True) == BatchPlan("comma", 1)
    assert plan_batch(LAUNCHES, 250, None, comma_filter="id", sweepable=True).calls == 3


def test_a_small_table_is_swept_for_two_ids_or_more() -> None:
    assert plan_batch(CONFIGS, 2, None, comma_filter=None, sweepable=True) == BatchPlan("sweep", 1)
    assert plan_batch(CONFIGS, 1, None, comma_filter=None, sweepable=True).strategy == "singles"
    assert plan_batch(CONFIGS, 3, 180, comma_filter=None, sweepable=True) == BatchPlan("sweep", 2)
    # a sweep that costs as much as the singles is not worth it
    assert plan_batch(CONFIGS, 2, 180, comma_filter=None, sweepable=True).strategy == "singles"


@pytest.mark.parametrize(
    ("n", "table", "expected"),
    [
        (5, None, BatchPlan("singles", 5)),  # size unknown: no sweep of a large table
        (5, 1000, BatchPlan("singles", 5)),  # 10 pages for 5 ids
        (30, 1000, BatchPlan("sweep", 10)),
        (2, 100, BatchPlan("sweep", 1)),
        (1, 100, BatchPlan("singles", 1)),
    ],
)
def test_a_large_table_is_swept_when_pages_cost_less_than_singles(
    n: int, table: int | None, expected: BatchPlan
) -> None:
    assert plan_batch(SPACECRAFT, n, table, comma_filter=None, sweepable=True) == expected


def test_lists_without_the_detail_shape_are_never_swept() -> None:
    assert plan_batch(CONFIGS, 40, 46, comma_filter=None, sweepable=False) == BatchPlan(
        "singles", 40
    )
