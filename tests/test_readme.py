"""The README's example queries work as printed (a frontend developer copies them).

On the bundled snapshot each one answers without error and with data to show: every
root field non-null and every list in the answer non-empty (an example answering
``[]`` shows a reader nothing).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.harness import Gateway

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
EXAMPLES = re.findall(r"```graphql\n(.*?)```", README, re.S)


def empty_lists(value: Any, path: str = "") -> list[str]:
    """The paths of the empty lists in an answer."""
    if isinstance(value, list):
        found = [] if value else [path]
        for i, item in enumerate(value):
            found += empty_lists(item, f"{path}[{i}]")
        return found
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in empty_lists(item, f"{path}.{key}")]
    return []


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 5


def test_empty_lists_are_found_at_any_depth() -> None:
    answer = {"a": {"nodes": [{"b": []}, {"b": [1]}]}, "c": []}
    assert empty_lists(answer) == [".a.nodes[0].b", ".c"]


@pytest.mark.parametrize("query", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
async def test_readme_example_answers_with_data(gateway: Gateway, query: str) -> None:
    r = await gateway.query(query)
    assert r.status == 200
    assert r.errors == [], r.errors
    assert r.data, r.body
    assert all(value is not None for value in r.data.values()), r.data
    assert empty_lists(r.data) == [], r.data
