"""Upstream economy: LL2 calls and bytes per operation, side by side.

For each operation of ``bench/operations.py``, against the offline LL2 in this process:

* **cold**: a fresh gateway (empty cache);
* **warm**: the same operation again on that gateway;
* **naive**: a resolver-per-field gateway with no planner, no loaders and no cache: one
  call per root field and nested list, one ``/{id}/`` call per nested object;
* **planned**: the calls the planner decided on for the cold run (its bound).

Run from the repository root: ``python -m bench.economy`` (``--markdown`` for the README).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
from typing import Any

import aiohttp
from aiohttp import web
from graphql import FieldNode, NameNode, SelectionSetNode, get_named_type, parse, print_ast
from graphql.language import Visitor, visit
from graphql.utilities import TypeInfo, TypeInfoVisitor

from bench.operations import OPERATIONS
from gateway.ll2 import resource
from gateway.offline import RunningUpstream, start_offline_upstream
from gateway.schema import schema
from gateway.server import create_app
from gateway.settings import Settings
from gateway.types.base import Entity


class _AddIdentity(Visitor):
    """Select ``__typename`` everywhere and ``id`` wherever the type has one."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info

    def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> SelectionSetNode:
        parent = get_named_type(self.type_info.get_parent_type())
        names = {s.name.value for s in node.selections if isinstance(s, FieldNode)}
        extra = [n for n in ("__typename", "id") if n not in names]
        if "id" in extra and "id" not in getattr(parent, "fields", {}):
            extra.remove("id")
        added = tuple(FieldNode(name=NameNode(value=n), arguments=(), directives=()) for n in extra)
        return SelectionSetNode(selections=(*node.selections, *added))


def with_identity(query: str) -> str:
    type_info = TypeInfo(schema._schema)
    return print_ast(visit(parse(query), TypeInfoVisitor(type_info, _AddIdentity(type_info))))


class Runner:
    """A gateway app on a socket, over the shared offline upstream."""

    def __init__(self, upstream: RunningUpstream) -> None:
        self.upstream = upstream
        self.http = aiohttp.ClientSession()

    async def start(self) -> None:
        self.runner = web.AppRunner(create_app(Settings(upstream=self.upstream.url)))
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/graphql"

    async def query(self, query: str) -> dict[str, Any]:
        async with self.http.post(self.url, json={"query": query}) as response:
            return await response.json()

    async def close(self) -> None:
        await self.runner.cleanup()
        await self.http.close()


_RESOURCE_OF_TYPE = {
    cls.__strawberry_definition__.name: resource  # type: ignore[attr-defined]
    for resource, cls in Entity.registry.items()
}


def _naive_calls(value: Any, root: bool = True) -> Iterator[tuple[str, str | None]]:
    """(resource, id) per object a resolver-per-field gateway fetches; id None = a list."""
    if isinstance(value, list):
        for item in value:
            yield from _naive_calls(item, root=False)
        return
    if not isinstance(value, dict):
        return
    typename = value.get("__typename", "")
    if typename.endswith("Connection"):
        yield typename.removesuffix("Connection"), None
        for node in value.get("nodes") or []:
            for child in node.values():
                yield from _naive_calls(child, root=False)
        return
    resource = _RESOURCE_OF_TYPE.get(typename)
    if resource is not None and value.get("id"):
        yield resource, str(value["id"])
    for key, child in value.items():
        if key != "__typename":
            yield from _naive_calls(child, root=False)


async def _naive(
    upstream: RunningUpstream, data: dict[str, Any], sizes: dict[str, int], cold_log: list[Any]
) -> tuple[int, int]:
    calls = list(_naive_calls(data))
    list_bytes = {c.path: c.bytes for c in cold_log}
    total = 0
    async with aiohttp.ClientSession() as http:
        for name, id in calls:
            if id is None:
                total += min(list_bytes.values(), default=0)
                continue
            path = resource(name).detail_path(id)
            if path not in sizes:
                logged = len(upstream.state.log)
                async with http.get(upstream.url + path) as response:
                    sizes[path] = len(await response.read())
                del upstream.state.log[logged:]
            total += sizes[path]
    return len(calls), total


async def measure() -> list[dict[str, Any]]:
    upstream = await start_offline_upstream()
    sizes: dict[str, int] = {}
    rows = []
    try:
        for name, operation in OPERATIONS.items():
            runner = Runner(upstream)
            await runner.start()
            try:
                upstream.state.reset()
                cold = await runner.query(with_identity(operation))
                assert "errors" not in cold, cold["errors"]
                cold_log = list(upstream.state.log)
                warm = await runner.query(with_identity(operation))
                naive_calls, naive_bytes = await _naive(upstream, cold["data"], sizes, cold_log)
            finally:
                await runner.close()
            cost, again = cold["extensions"]["upstream"], warm["extensions"]["upstream"]
            rows.append(
                {
                    "operation": name,
                    "cold_calls": cost["requests"],
                    "cold_bytes": cost["bytesReceived"],
                    "warm_calls": again["requests"],
                    "warm_bytes": again["bytesReceived"],
                    "naive_calls": naive_calls,
                    "naive_bytes": naive_bytes,
                    "planned": cost["plannedCalls"],
                }
            )
    finally:
        await upstream.close()
    return rows


def render(rows: list[dict[str, Any]], markdown: bool) -> str:
    head = [
        "operation",
        "cold calls",
        "cold KB",
        "warm calls",
        "naive calls",
        "naive KB",
        "planner bound",
    ]
    lines = []
    for r in rows:
        lines.append(
            [
                r["operation"],
                str(r["cold_calls"]),
                f"{r['cold_bytes'] / 1024:.1f}",
                str(r["warm_calls"]),
                str(r["naive_calls"]),
                f"{r['naive_bytes'] / 1024:.1f}",
                str(r["planned"]),
            ]
        )
    totals = [sum(r[k] for r in rows) for k in ("cold_calls", "warm_calls", "naive_calls")]
    lines.append(
        [
            "**total**" if markdown else "TOTAL",
            str(totals[0]),
            "",
            str(totals[1]),
            str(totals[2]),
            "",
            "",
        ]
    )
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(x) for x in col) for col in zip(head, *lines, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(fmt.format(*line) for line in [head, *lines])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    rows = asyncio.run(measure())
    print(render(rows, args.markdown))
    bad = [r["operation"] for r in rows if r["warm_calls"] or r["cold_calls"] > r["planned"]]
    if bad:
        print(f"\nNOT at target (warm > 0 or cold above the planner's bound): {bad}")


if __name__ == "__main__":
    main()
