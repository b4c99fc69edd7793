"""Scaling out on one Redis: do N gateway processes make the LL2 calls of one?

For N in ``--workers`` (default 1, 2 and 4) and each operation of
``bench/operations.py``: start the offline LL2 (``ll2-gateway upstream``, with
``--latency`` seconds per answer, as LL2 takes), then ``ll2-gateway serve --workers N
--cache redis://...`` under a namespace of its own (a cold cache, and no table size
learnt), wait until every worker answers, fire the operation once from each of
``--clients`` concurrent clients (a new connection each: the kernel spreads
connections over the workers), and count the LL2 calls in the emulator's log.

One process joins identical calls in flight (``Upstream._inflight``); across processes
the shared cache answers only once a call is done, so without more, N processes asked
the same cold operation at once may make up to N times its calls.

Run from the repository root, with Redis up: ``python -m bench.scaleout`` (``--redis``
for another URL; the keys are deleted afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from bench.operations import OPERATIONS
from bench.processes import free_port, stop_process, wait_listening


@contextlib.asynccontextmanager
async def process(args: list[str], port: int) -> AsyncIterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "GATEWAY_LOG_LEVEL": "ERROR"},
    )
    try:
        await wait_listening(proc, port, f"the process on port {port}")
        yield proc
    finally:
        stop_process(proc)


async def _all_workers_up(url: str, workers: int) -> None:
    """Until every worker has answered a /healthz (each binds the port on its own)."""
    seen: set[int] = set()
    deadline = time.monotonic() + 30
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as http:
        while len(seen) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only workers {sorted(seen)} of {workers} answered")
            try:
                async with http.get(f"{url}/healthz") as response:
                    seen.add((await response.json()).get("worker", 0) or 1)
            except aiohttp.ClientError:
                await asyncio.sleep(0.05)


async def _fire(url: str, query: str, clients: int) -> list[dict[str, Any]]:
    """The operation from ``clients`` clients at once, each on its own connection."""

    async def one() -> dict[str, Any]:
        connector = aiohttp.TCPConnector(force_close=True)
        async with (
            aiohttp.ClientSession(connector=connector) as http,
            http.post(f"{url}/graphql", json={"query": query}) as response,
        ):
            body: dict[str, Any] = await response.json()
            return body

    return await asyncio.gather(*(one() for _ in range(clients)))


async def _drop_keys(redis_url: str, prefix: str) -> None:
    import redis.asyncio as aioredis

    client = aioredis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=prefix + "*", count=1000)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def measure(
    workers: int,
    name: str,
    query: str,
    *,
    upstream: str,
    redis_url: str,
    clients: int,
    verbose: bool = False,
) -> tuple[int, int]:
    """(LL2 calls, answers with errors) for one cold operation on N workers."""
    prefix = f"ll2gw-scaleout:{uuid.uuid4().hex[:12]}:"
    port = free_port()
    args = [
        "serve",
        *("--port", str(port), "--workers", str(workers), "--upstream", upstream),
        *("--cache", redis_url, "--cache-namespace", prefix, "--upstream-rate", "1000000"),
    ]
    url = f"http://127.0.0.1:{port}"
    try:
        async with process(args, port), aiohttp.ClientSession() as http:
            await _all_workers_up(url, workers)
            control = upstream.removesuffix("2.3.0/") + "_offline/"
            await http.post(f"{control}reset")
            answers = await _fire(url, query, clients)
            async with http.get(f"{control}log") as response:
                log = await response.json()
    finally:
        await _drop_keys(redis_url, prefix)
    failed = sum(1 for a in answers if a.get("errors") or not a.get("data"))
    for answer in answers:
        if answer.get("errors"):
            print(f"  N={workers} {name}: {answer['errors'][0]}", file=sys.stderr)
            break
    if verbose:
        for call in log["requests"]:
            print(f"  N={workers} {name}: {call['path']} {call['query']}", file=sys.stderr)
    return len(log["requests"]), failed


async def main(args: argparse.Namespace) -> None:
    port = free_port()
    upstream_args = ["upstream", "--port", str(port), "--latency", str(args.latency)]
    upstream = f"http://127.0.0.1:{port}/2.3.0/"
    table: dict[str, list[str]] = {}
    async with process(upstream_args, port):
        for name, query in OPERATIONS.items():
            if args.operations and name not in args.operations:
                continue
            for workers in args.workers:
                calls, failed = await measure(
                    workers,
                    name,
                    query,
                    upstream=upstream,
                    redis_url=args.redis,
                    clients=args.clients,
                    verbose=args.verbose,
                )
                cell = str(calls) + (f" ({failed} failed)" if failed else "")
                table.setdefault(name, []).append(cell)
            print(f"{name}: {' '.join(table[name])}", file=sys.stderr, flush=True)
    heads = " | ".join(f"N={n}" for n in args.workers)
    print(f"| operation | {heads} |\n|---|{'---|' * len(args.workers)}")
    totals = [0] * len(args.workers)
    for name, cells in table.items():
        print(f"| {name} | {' | '.join(cells)} |")
        for i, cell in enumerate(cells):
            totals[i] += int(cell.split()[0])
    print(f"| **total** | {' | '.join(str(t) for t in totals)} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--clients", type=int, default=16, help="Concurrent clients per run.")
    parser.add_argument("--latency", type=float, default=0.2, help="Seconds per LL2 answer.")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--operations", nargs="*", help="Only these (default: all).")
    parser.add_argument("--verbose", action="store_true", help="List the LL2 calls.")
    asyncio.run(main(parser.parse_args()))
