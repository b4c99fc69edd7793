"""The README's example queries work as printed (a frontend developer copies them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.harness import Gateway

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
EXAMPLES = re.findall(r"```graphql\n(.*?)```", README, re.S)


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("query", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
async def test_readme_example_answers_without_error(gateway: Gateway, query: str) -> None:
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
    assert all(value is not None for value in r.data.values()), r.data


def test_the_station_example_is_a_benchmark_operation() -> None:
    """The README's ISS example is measured by ``python -m bench.economy`` as printed."""
    from graphql import parse, print_ast

    from bench.operations import OPERATIONS

    (station,) = [q for q in EXAMPLES if 'spaceStation(id: "4")' in q]
    assert print_ast(parse(station)) == print_ast(parse(OPERATIONS["iss_ports_and_crew"]))
