"""The gateway composed into a supergraph by Apollo Gateway (``IntrospectAndCompose``).

``tests/federation/supergraph.mjs`` runs, in one Node process, a second subgraph
("watchlists", written with ``@apollo/subgraph``: it adds ``Spacecraft.watchers`` by
the key and returns Spacecraft references) and an Apollo Gateway composing it with
this gateway.  Queries go to the Apollo Gateway over HTTP; LL2 calls are counted at
the offline LL2.  The npm packages come from ``tests/federation/package-lock.json``
(``npm ci`` on first use); without Node the tests skip, except under ``CI``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from gateway.offline import RunningUpstream
from tests.harness import Gateway

HERE = Path(__file__).resolve().parent / "federation"

#: 20 spacecraft the offline LL2 has, in its order.
TWENTY = [str(i) for i in (208, 236, 242, 366, 419, 427, 440, 447, 452, 474)] + [
    str(i) for i in (487, 509, 512, 519, 535, 547, 551, 555, 569, 575)
]
#: Watchlist name -> spacecraft ids (the offline LL2 has none with id 999999).
WATCHLISTS = {
    "cargo": ["602", "607", "603"],
    "everything": [*TWENTY, "602", "208", "602", "242"],
    "broken": ["602", "abc", "999999"],
}
SPACECRAFT = "id name serialNumber spacecraftConfig { name agency { abbrev } }"


def watchers(id: str) -> int:
    """What the watchlists subgraph says (supergraph.mjs): the id's digits summed."""
    return sum(int(d) for d in id)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        reason = f"`{name}` is not installed (Node.js 20+ runs the Apollo Gateway)"
        if "CI" in os.environ:
            pytest.fail(f"{reason}; CI is set: the supergraph tests must run")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="session")
def node() -> str:
    """Node, with tests/federation's packages installed from the lock file."""
    node = _tool("node")
    installed = HERE / "node_modules" / ".package-lock.json"
    lock = HERE / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(
            [_tool("npm"), "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=HERE,
            check=True,
            timeout=600,
            stdout=subprocess.DEVNULL,
        )
    return node


@dataclass
class Supergraph:
    url: str
    ll2: Gateway
    upstream: RunningUpstream

    async def query(self, query: str) -> dict[str, Any]:
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.url, json={"query": query}) as response,
        ):
            body: dict[str, Any] = await response.json(content_type=None)
            return body

    def ll2_calls(self) -> list[str]:
        """The LL2 calls made since the last reset, as ``path?query`` sorted."""
        calls = self.upstream.state.log
        return sorted(
            call.path + ("?" + "&".join(f"{k}={v}" for k, v in sorted(call.query.items())))
            if call.query
            else call.path
            for call in calls
        )


async def _ready(proc: asyncio.subprocess.Process) -> dict[str, str]:
    """The JSON line supergraph.mjs prints once it serves (other lines are logs)."""
    assert proc.stdout is not None and proc.stderr is not None
    seen: list[bytes] = []
    async with asyncio.timeout(60):
        while line := await proc.stdout.readline():
            if line.startswith(b'{"gateway"'):
                ready: dict[str, str] = json.loads(line)
                return ready
            seen.append(line)
    proc.kill()
    output = b"".join(seen).decode() + (await proc.stderr.read()).decode()
    raise RuntimeError(f"the supergraph did not start:\n{output}")


@contextlib.asynccontextmanager
async def running_supergraph(node: str, ll2: Gateway) -> AsyncIterator[str]:
    env = {
        **os.environ,
        "LL2_SUBGRAPH_URL": f"{ll2.url}/graphql",
        "WATCHLISTS": json.dumps(WATCHLISTS),
    }
    proc = await asyncio.create_subprocess_exec(
        node,
        "supergraph.mjs",
        cwd=HERE,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        yield (await _ready(proc))["gateway"]
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), timeout=10)
            except TimeoutError:
                proc.kill()
                await proc.wait()


@pytest.fixture
async def supergraph(node: str, upstream: RunningUpstream) -> AsyncIterator[Supergraph]:
    ll2 = await Gateway(upstream, response_cache=False).start()
    try:
        async with running_supergraph(node, ll2) as url:
            upstream.state.reset()  # composing introspected the schema, at no LL2 cost
            yield Supergraph(url, ll2, upstream)
    finally:
        await ll2.close()


async def test_queries_across_both_subgraphs(supergraph: Supergraph) -> None:
    ids = WATCHLISTS["cargo"]
    direct = await supergraph.ll2.query(
        "{ " + " ".join(f's{i}: spacecraft(id: "{i}") {{ {SPACECRAFT} }}' for i in ids) + " }"
    )
    assert not direct.errors

    answer = await supergraph.query(
        f'{{ watchlist(name: "cargo") {{ name spacecraft {{ {SPACECRAFT} watchers }} }} }}'
    )
    assert "errors" not in answer
    assert answer["data"]["watchlist"] == {
        "name": "cargo",
        "spacecraft": [{**direct.data[f"s{i}"], "watchers": watchers(i)} for i in ids],
    }

    answer = await supergraph.query('{ spacecraft(id: "602") { name watchers } }')
    assert answer == {"data": {"spacecraft": {"name": "Tianzhou-8", "watchers": 8}}}

    answer = await supergraph.query("{ spacecrafts(first: 3) { nodes { id name watchers } } }")
    assert "errors" not in answer
    nodes = answer["data"]["spacecrafts"]["nodes"]
    assert len(nodes) == 3
    assert all(node["watchers"] == watchers(node["id"]) and node["name"] for node in nodes)


async def test_references_cost_what_their_ids_in_one_query_cost(
    supergraph: Supergraph,
) -> None:
    ids = WATCHLISTS["everything"]
    query = f'{{ watchlist(name: "everything") {{ spacecraft {{ {SPACECRAFT} watchers }} }} }}'
    answer = await supergraph.query(query)
    assert "errors" not in answer
    spacecraft = answer["data"]["watchlist"]["spacecraft"]
    assert [s["id"] for s in spacecraft] == ids
    assert all(s["name"] and s["watchers"] == watchers(s["id"]) for s in spacecraft)
    by_references = supergraph.ll2_calls()
    # Cold, with the size of LL2's spacecraft table unknown: one detail per distinct
    # spacecraft, each once; their configurations and agencies come embedded.
    assert by_references == sorted(f"/2.3.0/spacecraft/{i}/" for i in set(ids))

    supergraph.upstream.state.reset()
    fresh = await Gateway(supergraph.upstream, response_cache=False).start()
    try:
        aliased = " ".join(f's{n}: spacecraft(id: "{i}") {{ id }}' for n, i in enumerate(ids))
        assert not (await fresh.query(f"{{ {aliased} }}")).errors
    finally:
        await fresh.close()
    assert supergraph.ll2_calls() == by_references


async def test_references_read_the_table_in_one_call_once_its_size_is_known(
    supergraph: Supergraph,
) -> None:
    answer = await supergraph.query("{ spacecrafts(first: 1) { totalCount } }")
    assert answer["data"]["spacecrafts"]["totalCount"] <= 100, "the table is one page"
    supergraph.upstream.state.reset()
    query = f'{{ watchlist(name: "everything") {{ spacecraft {{ {SPACECRAFT} watchers }} }} }}'
    answer = await supergraph.query(query)
    assert "errors" not in answer
    assert len(answer["data"]["watchlist"]["spacecraft"]) == len(WATCHLISTS["everything"])
    assert supergraph.ll2_calls() == ["/2.3.0/spacecraft/?limit=100&mode=detailed&offset=0"]


async def test_a_failed_reference_is_an_error_of_its_own(supergraph: Supergraph) -> None:
    answer = await supergraph.query(
        '{ watchlist(name: "broken") { spacecraft { id name watchers } } }'
    )
    assert answer["data"]["watchlist"]["spacecraft"] == [
        {"id": "602", "name": "Tianzhou-8", "watchers": 8},
        {"id": "abc", "name": None, "watchers": 0},
        {"id": "999999", "name": None, "watchers": 54},  # LL2 has none: null, no error
    ]
    errors = [
        (e["path"], e["extensions"]["code"], e["extensions"]["serviceName"])
        for e in answer["errors"]
    ]
    assert errors == [(["watchlist", "spacecraft", 1], "BAD_USER_INPUT", "ll2")]
    assert supergraph.ll2_calls() == ["/2.3.0/spacecraft/602/", "/2.3.0/spacecraft/999999/"]
