"""The README's example queries work as printed (a frontend developer copies them).

On the bundled snapshot each one answers without error and with data to show: every
root field non-null, and every list it selects non-empty somewhere in the answer (an
example answering ``[]`` shows a reader nothing; an uncrewed vehicle's empty crew among
crewed ones is data).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.harness import Gateway

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
EXAMPLES = re.findall(r"```graphql\n(.*?)```", README, re.S)


def _lists(value: Any, path: str, seen: dict[str, bool]) -> None:
    if isinstance(value, list):
        seen[path] = seen.get(path, False) or bool(value)
        for item in value:
            _lists(item, f"{path}[]", seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            _lists(item, f"{path}.{key}", seen)


def empty_lists(value: Any) -> list[str]:
    """The lists of an answer that are empty wherever they appear (paths without indices)."""
    seen: dict[str, bool] = {}
    _lists(value, "", seen)
    return [path for path, filled in seen.items() if not filled]


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 5


def test_empty_lists_are_found_at_any_depth() -> None:
    answer = {"a": {"nodes": [{"b": []}, {"b": [1]}, {"d": []}]}, "c": [], "e": [{"f": []}]}
    assert empty_lists(answer) == [".a.nodes[].d", ".c", ".e[].f"]


@pytest.mark.parametrize("query", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
async def test_readme_example_answers_with_data(gateway: Gateway, query: str) -> None:
    if "@defer" in query:  # multipart/mixed: every part without error, the last one last
        from tests.live_client import parts

        assert gateway.http is not None
        async with gateway.http.post(f"{gateway.url}/graphql", json={"query": query}) as response:
            received = [part async for part in parts(response)]
        assert [p["hasNext"] for p in received][-1] is False
        assert not [p for p in received if p.get("errors")]
        assert not [e for p in received for e in p.get("incremental", []) if e.get("errors")]
        return
    r = await gateway.query(query)
    assert r.status == 200
    assert r.errors == [], r.errors
    assert r.data, r.body
    assert all(value is not None for value in r.data.values()), r.data
    # What the gateway reports of itself (upstreamStatus) may rightly be empty: on a fresh
    # gateway nothing failed and no subscription watches anything yet.
    reports = {".upstreamStatus.live.watched", ".upstreamStatus.recentErrors"}
    assert [p for p in empty_lists(r.data) if p not in reports] == [], r.data


def test_the_station_example_is_a_benchmark_operation() -> None:
    """The README's ISS example is measured by ``python -m bench.economy`` as printed."""
    from graphql import parse, print_ast

    from bench.operations import OPERATIONS

    (station,) = [q for q in EXAMPLES if 'spaceStation(id: "4")' in q]
    assert print_ast(parse(station)) == print_ast(parse(OPERATIONS["iss_ports"]))
