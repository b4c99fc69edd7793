"""What metrics, the JSON access log and tracing cost per request, on warm operations.

``python -m bench.observability [--requests N] [--rounds R]`` serves the gateway in this
process over the offline LL2, warms each operation, then sends it N times in a row per
variant and prints the CPU time per request (client and server, both in this process:
the client's share is the same in every variant, so differences are the server's).
Variants run interleaved, R rounds; the median round counts.  Figures only: nothing
here is asserted.

Variants: ``plain`` (defaults: metrics on, text logs, no tracing), ``no-metrics``,
``json-log`` (an access line per request, written to /dev/null), ``otel`` (spans per
request, loader batch and LL2 call, batched to an exporter that drops them).  Run it
with ``PYTHONPATH`` pointing at an older tree to compare with code before these
features (variants whose settings that tree lacks are skipped).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

import aiohttp
from aiohttp import web

from bench.operations import OPERATIONS
from gateway.offline import start_offline_upstream
from gateway.server import create_app
from gateway.settings import Settings

#: (operation, response cache on): the whole-answer cache's hit, and execution over
#: the warm LL2 answer cache (resolvers and loader batches run, no LL2 call).
CASES = [
    ("mobile_astronaut_list", True),
    ("mobile_astronaut_list", False),
    ("flight_with_crew_and_dockings", False),
]
VARIANTS: dict[str, dict[str, Any]] = {
    "plain": {},
    "no-metrics": {"metrics": False},
    "json-log": {"log_format": "json"},
    "otel": {"otel": True},
}


def _logging(log_format: str) -> None:
    handler = logging.FileHandler(os.devnull)
    if log_format == "json":
        from gateway.server.access_log import JsonFormatter

        handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


def _discarding_exporter() -> Any:
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

    class Discard(SpanExporter):
        def export(self, spans: Sequence[Any]) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    return Discard()


async def _cpu_per_request(
    upstream_url: str, query: str, response_cache: bool, options: dict[str, Any], n: int
) -> float:
    _logging(options.get("log_format", "text"))
    settings = Settings(upstream=upstream_url, response_cache=response_cache, **options)
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/graphql"
    body = {"query": query}
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(20):  # warm: LL2 answers cached, parser and validation caches full
                async with http.post(url, json=body) as response:
                    await response.read()
            started = time.process_time()
            for _ in range(n):
                async with http.post(url, json=body) as response:
                    await response.read()
            return (time.process_time() - started) / n
    finally:
        await runner.cleanup()


async def run(n: int, rounds: int, only: list[str] | None = None) -> None:
    known = {f.name for f in fields(Settings)}
    variants = {k: v for k, v in VARIANTS.items() if set(v) <= known and (not only or k in only)}
    if "otel" in variants:
        try:
            from gateway.server import tracing

            tracing.exporter_from_env = _discarding_exporter  # type: ignore[assignment]
        except ImportError:
            del variants["otel"]
    upstream = await start_offline_upstream()
    try:
        print(f"CPU per request (ms), median of {rounds} rounds of {n} requests")
        print(f"| operation | response cache | {' | '.join(variants)} |")
        print("|---|---|" + "---|" * len(variants))
        for operation, response_cache in CASES:
            samples: dict[str, list[float]] = {name: [] for name in variants}
            for _ in range(rounds):
                for name, options in variants.items():
                    cpu = await _cpu_per_request(
                        upstream.url, OPERATIONS[operation], response_cache, options, n
                    )
                    samples[name].append(cpu)
            medians = {name: statistics.median(values) for name, values in samples.items()}
            base = medians[next(iter(variants))]
            cells = [
                f"{ms * 1000:.3f}" + ("" if ms is base else f" ({(ms / base - 1) * 100:+.1f} %)")
                for ms in medians.values()
            ]
            hit = "hit" if response_cache else "off"
            print(f"| {operation} | {hit} | {' | '.join(cells)} |", flush=True)
    finally:
        await upstream.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--variants", nargs="*", choices=list(VARIANTS), help="default: all")
    args = parser.parse_args(argv)
    asyncio.run(run(args.requests, args.rounds, args.variants))


if __name__ == "__main__":
    main()
