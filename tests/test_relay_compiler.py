"""Relay's compiler accepts schema.graphql, and what it compiles works against the gateway.

``tests/relay/`` is a small Relay client: ``relay.config.json`` (Node's id field is
``globalId``, and so is the refetch variable), and in ``src/`` a refetchable fragment
on a Node type (refetched with ``node(id:)``) and two pagination fragments, one on the
root and one on a Node type, each paging one ``@connection`` forward (``first``/
``after``) and backward (``last``/``before``).  Relay's compiler (npm
``relay-compiler``, pinned by ``package.json`` and ``package-lock.json``; ``npm ci``
installs it on first use) compiles them against ``schema.graphql``.  The operations it
writes are then sent to the gateway with the variables Relay's runtime sends: the
fragment's arguments, the id under the variable name the artifact names, and the
other direction's count and cursor set to null.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.harness import Gateway

ROOT = Path(__file__).resolve().parent.parent
RELAY = ROOT / "tests" / "relay"
SCHEMA = ROOT / "schema.graphql"


def _unavailable(reason: str) -> NoReturn:
    """Skip on a developer's machine; fail in CI, where the test must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the Relay compiler test)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def relay_compiler() -> Path:
    """The pinned relay-compiler, installed from package-lock.json when missing."""
    binary = RELAY / "node_modules" / ".bin" / "relay-compiler"
    if shutil.which("node") is None:
        _unavailable("Node.js is not installed")
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is not installed")
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=RELAY,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            _unavailable(f"`npm ci` failed in {RELAY}: {done.stderr[-2000:]}")
    return binary


@dataclass
class Compiled:
    #: operation name -> the text Relay sends.
    operations: dict[str, str]
    #: where the artifacts (``<Name>.graphql.js``) were written.
    artifacts: Path

    def artifact(self, name: str) -> str:
        return (self.artifacts / f"{name}.graphql.js").read_text()

    def refetch_metadata(self, fragment: str) -> dict[str, Any]:
        """What Relay's runtime reads to refetch or page ``fragment``: the id variable
        and, for a connection, each direction's count and cursor variables."""
        text = self.artifact(fragment)
        found: dict[str, Any] = {}
        identifier = re.search(
            r'"identifierField": "(\w+)",\s*"identifierQueryVariableName": "(\w+)"', text
        )
        if identifier:
            found["id_field"], found["id_variable"] = identifier.groups()
        for direction in ("forward", "backward"):
            match = re.search(
                rf'"{direction}": \{{\s*"count": "(\w+)",\s*"cursor": "(\w+)"\s*\}}', text
            )
            if match:
                found[direction] = match.groups()
        direction = re.search(r'"direction": "(\w+)"', text)
        if direction:
            found["direction"] = direction.group(1)
        return found


@pytest.fixture(scope="session")
def compiled(relay_compiler: Path, tmp_path_factory: pytest.TempPathFactory) -> Compiled:
    """``tests/relay/src`` compiled against schema.graphql with the committed config;
    artifacts and the persisted operation texts go to a temporary folder."""
    out = tmp_path_factory.mktemp("relay")
    artifacts = out / "__generated__"
    artifacts.mkdir()
    persisted = out / "operations.json"
    persisted.write_text("{}")
    config = json.loads((RELAY / "relay.config.json").read_text())
    config.update(
        src=str(RELAY / "src"),
        schema=str(SCHEMA),
        artifactDirectory=str(artifacts),
        persistConfig={"file": str(persisted)},
    )
    config_file = out / "relay.config.json"
    config_file.write_text(json.dumps(config, indent=2))
    done = subprocess.run(
        [str(relay_compiler), str(config_file)],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"relay-compiler failed:\n{done.stdout}\n{done.stderr}"
    operations = {}
    for text in json.loads(persisted.read_text()).values():
        name = re.match(r"query (\w+)", text)
        assert name is not None, text
        operations[name.group(1)] = text
    return Compiled(operations, artifacts)


def test_relay_compiles_a_refetchable_fragment_and_pagination_fragments(
    compiled: Compiled,
) -> None:
    assert set(compiled.operations) == {
        "SpacecraftCardQuery",
        "SpacecraftCardRefetchQuery",
        "AstronautListQuery",
        "AstronautListPaginationQuery",
        "AgencyConfigsQuery",
        "AgencyConfigsPaginationQuery",
    }
    card = compiled.refetch_metadata("SpacecraftCard_spacecraft")
    assert card["id_field"] == "globalId"
    refetch = compiled.operations["SpacecraftCardRefetchQuery"]
    assert f"node(id: ${card['id_variable']})" in refetch
    assert f"${card['id_variable']}: ID!" in refetch
    for fragment in ("AstronautList_query", "AgencyConfigs_agency"):
        paging = compiled.refetch_metadata(fragment)
        assert paging["direction"] == "bidirectional", paging
        assert paging["backward"] == ("last", "before"), paging
    # Relay normalises Node records by `globalId`: it selects it wherever a Node is.
    assert "globalId" in compiled.operations["AstronautListQuery"]


async def _run(gateway: Gateway, text: str, variables: dict[str, Any]) -> dict[str, Any]:
    r = await gateway.query(text, variables)
    assert r.status == 200 and r.errors == [], r.body
    data: dict[str, Any] = r.data
    return data


def _paging_variables(
    paging: dict[str, Any], direction: str, count: int, cursor: str | None
) -> dict[str, Any]:
    """The variables Relay's loadNext / loadPrevious send: this direction's count and
    cursor, the other direction's set to null."""
    other = "backward" if direction == "forward" else "forward"
    count_var, cursor_var = paging[direction]
    other_count, other_cursor = paging[other]
    return {count_var: count, cursor_var: cursor, other_count: None, other_cursor: None}


async def test_refetchable_fragment_refetches_through_node_at_the_cost_of_the_root_field(
    compiled: Compiled, gateway: Gateway
) -> None:
    variable = compiled.refetch_metadata("SpacecraftCard_spacecraft")["id_variable"]
    # A second gateway over the same LL2, its cache as cold as the first one's.
    cold = await Gateway(gateway.upstream).start()
    try:
        gateway.reset_upstream()
        first = await _run(gateway, compiled.operations["SpacecraftCardQuery"], {"id": "595"})
        calls_by_id = [c.path for c in gateway.upstream_calls()]
        gateway.reset_upstream()
        card = first["spacecraft"]
        again = await _run(
            cold, compiled.operations["SpacecraftCardRefetchQuery"], {variable: card["globalId"]}
        )
        calls_by_node = [c.path for c in gateway.upstream_calls()]
    finally:
        await cold.close()
    assert card["name"] == "Crew Dragon C213" and card["id"] == "595"
    assert calls_by_node == calls_by_id == ["/2.3.0/spacecraft/595/"]
    node = again["node"]
    assert node.pop("__typename") == "Spacecraft"
    assert node == card


async def test_pagination_fragment_on_the_root_pages_forward_and_backward(
    compiled: Compiled, gateway: Gateway
) -> None:
    paging = compiled.refetch_metadata("AstronautList_query")
    query = compiled.operations["AstronautListPaginationQuery"]
    everyone = await _run(
        gateway,
        "{ astronauts(first: 15, ordering: [NAME_ASC]) { totalCount nodes { id } } }",
        {},
    )
    by_name = [n["id"] for n in everyone["astronauts"]["nodes"]]
    total = everyone["astronauts"]["totalCount"]

    page1 = (await _run(gateway, compiled.operations["AstronautListQuery"], {}))["astronauts"]
    assert [e["node"]["id"] for e in page1["edges"]] == by_name[:5]
    assert page1["pageInfo"]["hasNextPage"] is True
    assert page1["pageInfo"]["hasPreviousPage"] is False

    # loadNext(5)
    variables = _paging_variables(paging, "forward", 5, page1["pageInfo"]["endCursor"])
    page2 = (await _run(gateway, query, variables))["astronauts"]
    assert [e["node"]["id"] for e in page2["edges"]] == by_name[5:10]
    assert page2["pageInfo"]["hasNextPage"] is True

    # loadPrevious(5) from the second page: the first page again, from the cache
    gateway.reset_upstream()
    variables = _paging_variables(paging, "backward", 5, page2["pageInfo"]["startCursor"])
    back = (await _run(gateway, query, variables))["astronauts"]
    assert back["edges"] == page1["edges"]
    assert back["pageInfo"] == page1["pageInfo"]
    assert gateway.upstream_calls() == []

    # loadPrevious(3) from the middle of the second page
    variables = _paging_variables(paging, "backward", 3, page2["edges"][2]["cursor"])
    middle = (await _run(gateway, query, variables))["astronauts"]
    assert [e["node"]["id"] for e in middle["edges"]] == by_name[4:7]
    assert middle["pageInfo"]["hasPreviousPage"] is True
    assert middle["pageInfo"]["startCursor"] == middle["edges"][0]["cursor"]

    # A backward connection's first page: the end of the list
    variables = _paging_variables(paging, "backward", 3, None)
    end = (await _run(gateway, query, variables))["astronauts"]
    assert end["totalCount"] == total and len(end["edges"]) == 3
    assert end["pageInfo"]["hasNextPage"] is False
    assert end["pageInfo"]["hasPreviousPage"] is True


async def test_pagination_fragment_on_a_node_pages_through_node(
    compiled: Compiled, gateway: Gateway
) -> None:
    paging = compiled.refetch_metadata("AgencyConfigs_agency")
    query = compiled.operations["AgencyConfigsPaginationQuery"]
    everything = await _run(
        gateway,
        '{ agency(id: "63") { spacecraftConfigs(first: 100, ordering: [NAME_ASC]) {'
        " nodes { id } } } }",
        {},
    )
    by_name = [n["id"] for n in everything["agency"]["spacecraftConfigs"]["nodes"]]
    assert len(by_name) > 8

    agency = (await _run(gateway, compiled.operations["AgencyConfigsQuery"], {"id": "63"}))[
        "agency"
    ]
    page1 = agency["spacecraftConfigs"]
    assert [e["node"]["id"] for e in page1["edges"]] == by_name[:4]

    node_id = {paging["id_variable"]: agency["globalId"]}
    variables = {
        **node_id,
        **_paging_variables(paging, "forward", 4, page1["pageInfo"]["endCursor"]),
    }
    data = await _run(gateway, query, variables)
    assert data["node"]["__typename"] == "Agency"
    assert data["node"]["name"] == agency["name"]
    page2 = data["node"]["spacecraftConfigs"]
    assert [e["node"]["id"] for e in page2["edges"]] == by_name[4:8]
    assert page2["pageInfo"]["hasPreviousPage"] is True

    variables = {
        **node_id,
        **_paging_variables(paging, "backward", 4, page2["pageInfo"]["startCursor"]),
    }
    back = (await _run(gateway, query, variables))["node"]["spacecraftConfigs"]
    assert back["edges"] == page1["edges"]
    assert back["pageInfo"]["hasPreviousPage"] is False
    assert back["pageInfo"]["hasNextPage"] is True
