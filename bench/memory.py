"""Memory with the whole offline snapshot cached: the RSS of one gateway process.

It starts the offline LL2 and a gateway (``python -m gateway serve``, in one process, a
call budget that never refuses), then asks for everything the snapshot holds, through
GraphQL: every page of every root list (``first: 100``) once with ``{ id }`` (LL2's list
mode) and once with every scalar field of the items (the detailed mode), and every
record by id with every scalar field (the ``/{id}/`` endpoints). Then it prints the
gateway's resident memory before, after, and after the same walk again (all of it from
the caches), with the LL2 calls each walk made.

Run from the repository root::

    python -m bench.memory [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import aiohttp
from graphql import GraphQLField, GraphQLObjectType, get_named_type, is_leaf_type

from bench.compare import process_tree
from bench.load import read_rss_kb
from bench.processes import HOST, free_port, stop_process, wait_listening


def _scalars(node: GraphQLObjectType) -> str:
    """Every field of ``node`` a client can select without arguments or a sub-selection."""
    return " ".join(
        name
        for name, field in node.fields.items()
        if is_leaf_type(get_named_type(field.type)) and not field.args
    )


def _lists(query: GraphQLObjectType) -> Iterator[tuple[str, str, str]]:
    """(list field, single field, scalar selection) of each LL2 resource."""
    singles = {
        get_named_type(field.type).name: name
        for name, field in query.fields.items()
        if set(field.args) == {"id"}
    }
    for name, field in query.fields.items():
        connection = get_named_type(field.type)
        if "first" not in field.args or not isinstance(connection, GraphQLObjectType):
            continue
        nodes: GraphQLField | None = connection.fields.get("nodes")
        if nodes is None:
            continue
        node = get_named_type(nodes.type)
        if isinstance(node, GraphQLObjectType) and node.name in singles:
            yield name, singles[node.name], _scalars(node)


class Walk:
    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http = http
        self.url = url
        self.requests = 0

    async def query(self, text: str, variables: dict[str, Any] | None = None) -> Any:
        self.requests += 1
        async with self.http.post(self.url, json={"query": text, "variables": variables}) as r:
            body = await r.json()
        if body.get("errors"):
            raise RuntimeError(f"{text[:80]}...: {body['errors'][0].get('message')}")
        return body["data"]

    async def pages(self, field: str, selection: str) -> list[str]:
        """Every item's id, page after page."""
        text = (
            f"query($after: String) {{ {field}(first: 100, after: $after) "
            f"{{ pageInfo {{ hasNextPage endCursor }} nodes {{ id {selection} }} }} }}"
        )
        ids: list[str] = []
        after = None
        while True:
            page = (await self.query(text, {"after": after}))[field]
            ids += [node["id"] for node in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                return ids
            after = page["pageInfo"]["endCursor"]

    async def records(self, single: str, selection: str, ids: list[str]) -> None:
        """Every record by id, twenty to a request."""
        for start in range(0, len(ids), 20):
            aliases = " ".join(
                f'r{n}: {single}(id: "{i}") {{ id {selection} }}'
                for n, i in enumerate(ids[start : start + 20])
            )
            await self.query(f"{{ {aliases} }}")

    async def everything(self) -> int:
        from gateway.schema import schema  # the schema the gateway serves

        query = schema._schema.query_type
        assert query is not None
        items = 0
        for field, single, scalars in _lists(query):
            ids = await self.pages(field, "")
            await self.pages(field, scalars)
            await self.records(single, scalars, ids)
            items += len(ids)
        return items


async def _ll2_calls(http: aiohttp.ClientSession, upstream: str) -> int:
    async with http.get(f"{upstream}/_offline/log") as r:
        return int((await r.json())["count"])


def _tree_rss_mb(pid: int) -> tuple[float, float]:
    """The RSS of ``pid`` and its descendants (the workers), and of the largest, in MB."""
    sizes = [(read_rss_kb(p) or 0) / 1024 for p in process_tree(pid)]
    return sum(sizes), max(sizes)


async def run(workers: int | None) -> None:
    up_port, gw_port = free_port(), free_port()
    python = sys.executable
    upstream = subprocess.Popen(
        [python, "-m", "gateway", "upstream", "--host", HOST, "--port", str(up_port)],
        stdout=subprocess.DEVNULL,
    )
    serve = [python, "-m", "gateway", "serve", "--host", HOST, "--port", str(gw_port)]
    serve += ["--upstream", f"http://{HOST}:{up_port}/2.3.0/", "--upstream-rate", "100000000"]
    serve += ["--log-level", "WARNING"] + (["--workers", str(workers)] if workers else [])
    gateway = subprocess.Popen(serve, stdout=subprocess.DEVNULL)
    try:
        await wait_listening(upstream, up_port, "the offline LL2")
        await wait_listening(gateway, gw_port, "the gateway")
        async with aiohttp.ClientSession() as http:
            walk = Walk(http, f"http://{HOST}:{gw_port}/graphql")
            await walk.query("{ __typename }")
            upstream_url = f"http://{HOST}:{up_port}"
            rows = [("started", _tree_rss_mb(gateway.pid), 0, 0, 0)]
            for label in ("the whole snapshot, asked once", "the same again (from the caches)"):
                calls, requests = await _ll2_calls(http, upstream_url), walk.requests
                started = time.perf_counter()
                items = await walk.everything()
                seconds = time.perf_counter() - started
                rows.append(
                    (
                        f"{label} ({items} records, {seconds:.1f} s)",
                        _tree_rss_mb(gateway.pid),
                        walk.requests - requests,
                        await _ll2_calls(http, upstream_url) - calls,
                        items,
                    )
                )
    finally:
        stop_process(gateway)
        stop_process(upstream)
    processes = f"{workers} workers" if workers else "one process"
    print(f"gateway in {processes}")
    print()
    print("| after | RSS MB, all processes | RSS MB, largest | GraphQL requests | LL2 calls |")
    print("|---|---|---|---|---|")
    for label, (total, largest), requests, calls, _ in rows:
        print(f"| {label} | {total:.1f} | {largest:.1f} | {requests} | {calls} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--workers", type=int, help="`ll2-gateway serve --workers N`")
    args = parser.parse_args(argv)
    asyncio.run(run(args.workers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
