"""Does enabling ``@defer``/``@stream`` cost a plain operation anything? Side by side.

Two schemas of the same types, one with Strawberry's
``enable_experimental_incremental_execution`` (the gateway's) and one without, execute
the same plain (not deferred) operations against the same warm upstream (every LL2
answer cached; the response cache is not involved: each execution runs whole), in
``--rounds`` rounds that alternate which schema goes first.  It prints the median over
the rounds of CPU per execution (``time.process_time``) and the ratio on/off, and the
same for a deferred operation on the schema that has ``@defer`` (for scale).

Run from the repository root::

    python -m bench.incremental [--executions 300] [--rounds 9] [--markdown]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from typing import Any

from aiohttp import web

from gateway.context import Context
from gateway.schema import build_schema
from gateway.server import APP_STATE, create_app
from gateway.settings import Settings

OPERATIONS = {
    "spacecraft_list_20": """{ spacecrafts(first: 20) { nodes {
        name serialNumber inSpace status { name }
        spacecraftConfig { name agency { name abbrev } } } } }""",
    "agency_by_id": '{ agency(id: "44") { name abbrev foundingYear country { name } } }',
    "flight_with_crew": """{ spacecraftFlight(id: "671") { destination
        launchCrew { role { role } astronaut { name agency { abbrev } } } } }""",
}
DEFERRED = """{ spacecrafts(first: 20) { nodes { name serialNumber inSpace status { name }
    ... @defer { spacecraftConfig { name agency { name abbrev } } } } } }"""


async def _run(schema: Any, state: Any, query: str, n: int) -> float:
    """CPU seconds per execution of ``query``, ``n`` times."""
    gc.collect()
    started = time.process_time()
    for _ in range(n):
        context = Context.create(state.settings, state.upstream)
        result = await schema.execute(query, context_value=context)
        if hasattr(result, "subsequent_results"):  # a deferred one: read every part
            async for _ in result.subsequent_results:
                pass
        elif result.errors:
            raise RuntimeError(result.errors)
        context.data.release()
    return (time.process_time() - started) / n


async def main(executions: int, rounds: int, markdown: bool) -> None:
    on, off = build_schema(incremental=True), build_schema(incremental=False)
    app = create_app(Settings(response_cache=False, upstream_rate=100000))
    runner = web.AppRunner(app)
    await runner.setup()
    state = app[APP_STATE]
    try:
        for query in [*OPERATIONS.values(), DEFERRED]:  # warm the cache and the parsers
            await _run(on, state, query, 3)
        for query in OPERATIONS.values():
            await _run(off, state, query, 3)
        rows = []
        for name, query in OPERATIONS.items():
            timings: dict[str, list[float]] = {"on": [], "off": []}
            for i in range(rounds):
                order = [("on", on), ("off", off)] if i % 2 == 0 else [("off", off), ("on", on)]
                for label, schema in order:
                    timings[label].append(await _run(schema, state, query, executions))
            medians = {k: statistics.median(v) for k, v in timings.items()}
            rows.append((name, medians["off"], medians["on"], medians["on"] / medians["off"]))
        deferred = statistics.median(
            [await _run(on, state, DEFERRED, executions) for _ in range(rounds)]
        )
    finally:
        await runner.cleanup()
    if markdown:
        print("| plain operation | @defer off, CPU ms | @defer on, CPU ms | on/off |")
        print("|---|---|---|---|")
        for name, a, b, ratio in rows:
            print(f"| `{name}` | {a * 1000:.3f} | {b * 1000:.3f} | {ratio:.3f} |")
        print(f"\nThe 20-spacecraft list, configurations deferred: {deferred * 1000:.3f} ms")
    else:
        for name, a, b, ratio in rows:
            print(f"{name:22} off {a * 1000:7.3f} ms  on {b * 1000:7.3f} ms  on/off {ratio:.3f}")
        print(f"{'deferred list':22} on {deferred * 1000:7.3f} ms")


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--executions", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.executions, args.rounds, args.markdown))


if __name__ == "__main__":
    cli()
