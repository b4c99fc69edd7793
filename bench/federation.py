"""What being a federation subgraph costs a warm operation's execution.

The served schema is a Federation v2 subgraph (``@key`` on every entity, ``_service``
and ``_entities``). This builds the plain schema from the same ``Query`` beside it and
executes each operation of ``bench/operations.py``, warm (every LL2 answer cached,
the whole-response cache not involved), alternately on both, and prints the median
execution time of each and the Python function calls one execution makes (counted
by ``cProfile``: the same work gives the same count, however busy the machine).

Run from the repository root: ``python -m bench.federation [--rounds 200]``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import time
import warnings

import strawberry
from aiohttp import web
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from bench.operations import OPERATIONS
from gateway.context import Context
from gateway.extensions.introspection import IntrospectionSwitch
from gateway.extensions.limits import OperationLimits
from gateway.offline import start_offline_upstream
from gateway.resolvers.query import Query
from gateway.resolvers.subscription import Subscription
from gateway.schema import schema as federated
from gateway.server import APP_STATE, create_app
from gateway.settings import Settings
from gateway.types.base import read_field
from gateway.types.resolving import GatewayInfo
from gateway.types.scalars import SCALAR_MAP


def plain_schema() -> strawberry.Schema:
    with warnings.catch_warnings():  # the types carry @key: the plain schema warns of it
        warnings.simplefilter("ignore")
        return strawberry.Schema(  # what gateway.schema.build_schema builds, but federation
            query=Query,
            subscription=Subscription,
            config=StrawberryConfig(
                scalar_map=SCALAR_MAP,
                info_class=GatewayInfo,
                default_resolver=read_field,
                enable_experimental_incremental_execution=True,
            ),
            extensions=[
                IntrospectionSwitch,
                OperationLimits,
                lambda: ParserCache(maxsize=256),
                lambda: ValidationCache(maxsize=256),
            ],
        )


async def function_calls(built: strawberry.Schema, query: str, context: Context) -> int:
    profile = cProfile.Profile()
    profile.enable()
    await built.execute(query, context_value=context)
    profile.disable()
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined, no-any-return]


async def main(rounds: int) -> None:
    upstream = await start_offline_upstream()
    settings = Settings(upstream=upstream.url, upstream_rate=1e6, response_cache=False)
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()  # runs the cleanup contexts: the upstream, cache and quota
    fetcher = app[APP_STATE].upstream
    plain = plain_schema()
    schemas = {"plain": plain, "federated": federated}
    print(
        "| operation | plain ms | federated ms | time overhead | plain calls | federated calls |"
        "\n|---|---|---|---|---|---|"
    )
    try:
        for name, query in OPERATIONS.items():
            for built in schemas.values():  # warm both: LL2 answers, parser, validation
                result = await built.execute(query, context_value=Context.create(settings, fetcher))
                assert not result.errors, result.errors
            timings: dict[str, list[float]] = {key: [] for key in schemas}
            for round in range(rounds):
                order = list(schemas.items())
                for key, built in order if round % 2 else reversed(order):
                    context = Context.create(settings, fetcher)
                    started = time.perf_counter()
                    await built.execute(query, context_value=context)
                    timings[key].append(time.perf_counter() - started)
            plain_ms = statistics.median(timings["plain"]) * 1000
            fed_ms = statistics.median(timings["federated"]) * 1000
            calls = [
                await function_calls(built, query, Context.create(settings, fetcher))
                for built in schemas.values()
            ]
            print(
                f"| {name} | {plain_ms:.2f} | {fed_ms:.2f} | "
                f"{(fed_ms / plain_ms - 1) * 100:+.1f} % | {calls[0]} | {calls[1]} |"
            )
    finally:
        await runner.cleanup()
        await upstream.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    asyncio.run(main(parser.parse_args().rounds))
