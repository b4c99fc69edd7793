"""Faults the gateway must ride out, each rerun and measured, all on loopback.

Scenarios (each bounded in time and in requests):

* ``redis-killed``: a gateway process on a Redis of its own; warm the operations of
  ``bench/operations.py``; SIGKILL Redis; ``--clients`` clients send those operations
  (and, one request in ten, a lookup of data never seen) for ``--seconds``; restart
  Redis and time how long until the shared budget is used again;
* ``redis-hung``: the same with SIGSTOP (Redis accepts connections and never answers)
  and SIGCONT;
* ``flood``: a gateway process under ``ulimit -n 256``; 400 connections opened and
  left silent, more opened while a new client sends requests, each on a new
  connection;
* ``stale``: a gateway (in this process) whose cache holds only expired copies, over an
  LL2 that takes ``--ll2-latency`` seconds, with ``--stale-deadline`` 1 s and with a
  deadline past LL2's latency (the behaviour without stale-while-revalidate);
* ``redis-tier``: no fault, the other side of the in-process tier: warm operations one
  after the other through a gateway process on a healthy Redis, with the response cache
  on and off (time per request, median of five rounds).

Run from the repository root (``redis-server`` must be installed for the Redis ones)::

    python -m bench.faults [--scenario all|redis-killed|redis-hung|flood|stale]
                           [--seconds 10] [--clients 20]

It prints one Markdown table per scenario: requests, HTTP statuses, error codes,
latency percentiles, LL2 calls, and the gateway's log lines and tracebacks.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from bench.operations import OPERATIONS
from bench.processes import free_port, stop_process, wait_listening
from gateway.offline import RunningUpstream, start_offline_upstream

__all__ = ["main"]

_JSON = {"Content-Type": "application/json"}
REQUEST_TIMEOUT = 35.0


# -- measuring ---------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    transport: Counter[str] = field(default_factory=Counter)
    stale: int = 0

    def add(self, seconds: float, status: int, raw: bytes) -> None:
        self.latencies.append(seconds)
        self.statuses[status] += 1
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            self.codes["(body not JSON)"] += 1
            return
        for error in body.get("errors") or ():
            self.codes[(error.get("extensions") or {}).get("code") or "(no code)"] += 1
        if (body.get("extensions") or {}).get("upstream", {}).get("stale"):
            self.stale += 1

    def percentile(self, share: float) -> float:
        values = sorted(self.latencies)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, max(0, round(share * len(values)) - 1))]

    def slower_than(self, seconds: float) -> int:
        return sum(1 for s in self.latencies if s > seconds)

    def summary(self) -> dict[str, str]:
        ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
        return {
            "requests": str(len(self.latencies) + sum(self.transport.values())),
            "HTTP status": ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items())),
            "errors by code": ", ".join(f"{k} {v}" for k, v in self.codes.most_common()) or "none",
            "connection failures": ", ".join(f"{k} {v}" for k, v in self.transport.items())
            or "none",
            "latency p50 / p99 / max": f"{ms(self.percentile(0.5))} / "
            f"{ms(self.percentile(0.99))} / {ms(max(self.latencies, default=0.0))}",
        }


async def post(
    session: aiohttp.ClientSession, url: str, query: str, stats: Stats | None = None
) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        async with session.post(url, data=orjson.dumps({"query": query}), headers=_JSON) as r:
            raw = await r.read()
            status = r.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        if stats is not None:
            stats.transport[type(exc).__name__] += 1
        return {}
    if stats is not None:
        stats.add(time.perf_counter() - started, status, raw)
    try:
        decoded: dict[str, Any] = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}
    return decoded


def table(title: str, rows: dict[str, str]) -> str:
    lines = [f"### {title}", "", "| measure | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows.items()]
    return "\n".join(lines) + "\n"


def log_report(path: Path) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    lines = text.splitlines()
    report = f"{len(lines)} lines, {text.count('Traceback')} tracebacks"
    if 0 < len(lines) <= 5:  # few: show them, without their time stamps
        report += ": " + "; ".join(f"`{line[24:][:110]}`" for line in lines)
    return report


# -- processes -------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def gateway_process(
    upstream: RunningUpstream,
    log: Path,
    *args: str,
    preexec: Callable[[], None] | None = None,
) -> AsyncIterator[str]:
    """``python -m gateway serve`` over ``upstream``; yields its /graphql URL."""
    port = free_port()
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gateway",
                "serve",
                "--port",
                str(port),
                "--upstream",
                upstream.url,
                "--log-level",
                "WARNING",
                *args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
            preexec_fn=preexec,
        )
        try:
            await wait_listening(proc, port, "the gateway")
            yield f"http://127.0.0.1:{port}/graphql"
        finally:
            stop_process(proc, grace=30)


class Redis:
    """``redis-server`` of the bench's own, without persistence."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await wait_listening(self.proc, self.port, "redis-server")

    def signal(self, signum: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(signum)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(10)


# -- load ------------------------------------------------------------------------------


def _new_lookups() -> Iterator[str]:
    """Lookups never asked before (each needs LL2), agencies then astronauts then
    spacecraft, 3,000 in all."""
    for root, top in (("agency", 1100), ("astronaut", 1000), ("spacecraft", 900)):
        ids = list(range(1, top + 1))
        random.Random(7).shuffle(ids)
        for id in ids:
            yield f'{{ {root}(id: "{id}") {{ name }} }}'


async def clients(
    url: str,
    count: int,
    seconds: float,
    stats: Stats,
    new_share: float = 0.0,
    new_stats: Stats | None = None,
    fresh: Iterator[str] | None = None,
) -> None:
    """``count`` clients sending the operations for ``seconds``, and a share of lookups
    of data never seen (from ``fresh``, while it lasts; measured apart, in
    ``new_stats``)."""
    operations = list(OPERATIONS.values())
    fresh = fresh or _new_lookups()
    rng = random.Random(1)
    until = time.monotonic() + seconds

    async def one(session: aiohttp.ClientSession) -> None:
        while time.monotonic() < until:
            lookup = next(fresh, None) if rng.random() < new_share else None
            if lookup is not None:
                await post(session, url, lookup, new_stats)
            else:
                await post(session, url, rng.choice(operations), stats)

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(one(session) for _ in range(count)))


async def warm(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for query in OPERATIONS.values():
            await post(session, url, query)


async def budget(url: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        body = await post(session, url, "{ upstreamStatus { budget { shared available } } }")
    found: dict[str, Any] = (body.get("data") or {}).get("upstreamStatus", {}).get("budget", {})
    return found


# -- scenarios -------------------------------------------------------------------------


async def redis_lost(how: str, args: argparse.Namespace, tmp: Path) -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        return f"### Redis {how}\n\nskipped: redis-server is not installed\n"
    upstream = await start_offline_upstream()
    redis = Redis(binary)
    await redis.start()
    log = tmp / f"redis-{how}.log"
    cooldown = 5.0
    try:
        async with gateway_process(
            upstream,
            log,
            "--cache",
            redis.url,
            "--upstream-rate",
            "100000",
            "--redis-timeout",
            "0.25",
            "--redis-cooldown",
            str(cooldown),
        ) as url:
            await warm(url)
            healthy, healthy_new, fresh = Stats(), Stats(), _new_lookups()
            await clients(url, args.clients, 3.0, healthy, 0.1, healthy_new, fresh)
            calls_before = len(upstream.state.log)
            redis.signal(signal.SIGKILL if how == "killed" else signal.SIGSTOP)
            lost, new = Stats(), Stats()
            await clients(url, args.clients, args.seconds, lost, 0.1, new, fresh)
            calls = len(upstream.state.log) - calls_before
            apart = await budget(url)
            if how == "killed":
                redis.proc = None
                await redis.start()
            else:
                redis.signal(signal.SIGCONT)
            back_at = time.monotonic()
            while not (await budget(url)).get("shared") and time.monotonic() - back_at < 30:
                await asyncio.sleep(0.1)
            back = time.monotonic() - back_at
    finally:
        redis.close()
        await upstream.close()
    latency = "latency p50 / p99 / max"
    rows = {
        f"healthy Redis (3 s), warm operations: {latency}": healthy.summary()[latency],
        f"healthy Redis (3 s), lookups of new data: {latency}": healthy_new.summary()[latency],
    }
    rows.update({f"Redis {how}, warm operations: {k}": v for k, v in lost.summary().items()})
    rows[f"Redis {how}, warm operations: answers slower than the Redis timeout (0.25 s)"] = str(
        lost.slower_than(0.25)
    )
    rows[f"Redis {how}, lookups of new data: requests; errors"] = (
        f"{new.summary()['requests']}; {new.summary()['errors by code']}"
    )
    rows[f"Redis {how}, lookups of new data: {latency}"] = new.summary()[latency]
    rows[f"Redis {how}: LL2 calls"] = (
        f"{calls} (the new lookups, on the local budget: shared {apart.get('shared')}, "
        f"{apart.get('available', float('nan')):.0f} calls left)"
    )
    rows["Redis back: budget shared again after"] = (
        f"{back:.1f} s (breaker cooldown {cooldown:g} s)"
    )
    rows["gateway log"] = log_report(log)
    return table(f"Redis {how} ({args.clients} clients, {args.seconds:g} s)", rows)


def _limit_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


async def flood(args: argparse.Namespace, tmp: Path) -> str:
    upstream = await start_offline_upstream()
    log = tmp / "flood.log"
    idle: list[socket.socket] = []
    try:
        async with gateway_process(upstream, log, preexec=_limit_files) as url:
            port = int(url.split(":")[2].split("/")[0])

            def open_silent(n: int) -> None:
                for _ in range(n):
                    s = socket.socket()
                    s.setblocking(False)
                    with contextlib.suppress(BlockingIOError):
                        s.connect(("127.0.0.1", port))
                    idle.append(s)

            baseline = await new_clients(url, 20)
            open_silent(400)
            await asyncio.sleep(0.5)
            stop = asyncio.Event()

            most = min(2400, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 200)

            async def keep_flooding() -> None:  # 100 more a second, within our own limit
                while not stop.is_set() and len(idle) < most:
                    open_silent(10)
                    await asyncio.sleep(0.1)

            flooding = asyncio.create_task(keep_flooding())
            under = await new_clients(url, 50, pause=0.1)
            stop.set()
            await flooding
    finally:
        for s in idle:
            s.close()
        await upstream.close()
    rows = {
        "no flood: new client latency p50 / max": f"{baseline.percentile(0.5) * 1000:.0f} ms"
        f" / {max(baseline.latencies, default=0) * 1000:.0f} ms"
    }
    rows.update({f"flood: {k}": v for k, v in under.summary().items()})
    rows["silent connections opened"] = str(len(idle))
    rows["gateway log"] = log_report(log)
    return table(
        "Connection flood (ulimit -n 256; 400 silent connections, then 100 more a second "
        "while 50 requests come 0.1 s apart, each on a new connection)",
        rows,
    )


async def new_clients(url: str, n: int, pause: float = 0.0) -> Stats:
    """``n`` requests one after the other, each on a new connection."""
    stats = Stats()
    timeout = aiohttp.ClientTimeout(total=10)
    for _ in range(n):
        async with aiohttp.ClientSession(timeout=timeout) as session:
            await post(session, url, OPERATIONS["spacecraft_detail_page"], stats)
        await asyncio.sleep(pause)
    return stats


async def stale(args: argparse.Namespace, tmp: Path) -> str:
    from aiohttp import web

    from gateway.server import APP_STATE, create_app
    from gateway.server.serving import GatewayRunner
    from gateway.settings import Settings

    rows: dict[str, str] = {}
    for deadline in (1.0, args.ll2_latency + 5):
        upstream = await start_offline_upstream()
        settings = Settings(upstream=upstream.url, response_cache=False, stale_deadline=deadline)
        runner = GatewayRunner(create_app(settings))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/graphql"
        try:
            await warm(url)
            cache = runner.app[APP_STATE].upstream.cache
            cache._clock = lambda: time.time() + 7 * 3600  # type: ignore[attr-defined]
            upstream.state.reset()
            upstream.state.faults.add("latency", delay=args.ll2_latency)
            stats = Stats()
            timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                await asyncio.gather(
                    *(
                        post(session, url, q, stats)
                        for q in OPERATIONS.values()
                        for _ in range(args.clients // 5 or 1)
                    )
                )
            calls = len(upstream.state.log)
        finally:
            await runner.cleanup()
            await upstream.close()
        label = "1 s (default)" if deadline == 1.0 else f"{deadline:g} s (waits for LL2)"
        summary = stats.summary()
        rows[f"stale deadline {label}: requests, answered from the expired copy"] = (
            f"{summary['requests']}, {stats.stale}"
        )
        rows[f"stale deadline {label}: latency p50 / p99 / max"] = summary[
            "latency p50 / p99 / max"
        ]
        rows[f"stale deadline {label}: errors; LL2 calls"] = f"{summary['errors by code']}; {calls}"
    return table(f"Slow LL2 ({args.ll2_latency:g} s a call) with only expired copies cached", rows)


async def redis_tier(args: argparse.Namespace, tmp: Path) -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        return "### Healthy Redis\n\nskipped: redis-server is not installed\n"
    rows: dict[str, str] = {}
    for response_cache in ("true", "false"):
        upstream = await start_offline_upstream()
        redis = Redis(binary)
        await redis.start()
        try:
            async with gateway_process(
                upstream,
                tmp / "tier.log",
                "--cache",
                redis.url,
                "--response-cache",
                response_cache,
            ) as url:
                await warm(url)
                rounds = []
                async with aiohttp.ClientSession() as session:
                    for _ in range(5):
                        started = time.perf_counter()
                        for _ in range(20):
                            for query in OPERATIONS.values():
                                await post(session, url, query)
                        rounds.append((time.perf_counter() - started) / (20 * len(OPERATIONS)))
        finally:
            redis.close()
            await upstream.close()
        rows[f"response cache {'on' if response_cache == 'true' else 'off'}"] = (
            f"{sorted(rounds)[2] * 1000:.2f} ms a request"
        )
    return table("Healthy Redis: warm operations one after the other", rows)


SCENARIOS = ("redis-killed", "redis-hung", "flood", "stale", "redis-tier")


async def run(args: argparse.Namespace) -> None:
    chosen = SCENARIOS if args.scenario == "all" else (args.scenario,)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for scenario in chosen:
            if scenario == "redis-killed":
                report = await redis_lost("killed", args, tmp)
            elif scenario == "redis-hung":
                report = await redis_lost("hung", args, tmp)
            elif scenario == "flood":
                report = await flood(args, tmp)
            elif scenario == "redis-tier":
                report = await redis_tier(args, tmp)
            else:
                report = await stale(args, tmp)
            print(report, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__)
    parser.add_argument("--scenario", default="all", choices=("all", *SCENARIOS))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--ll2-latency", type=float, default=4.0)
    args = parser.parse_args(argv)
    if args.seconds > 120 or args.clients > 200:
        parser.error("keep it bounded: --seconds up to 120, --clients up to 200")
    os.environ.pop("GATEWAY_CACHE_URL", None)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
