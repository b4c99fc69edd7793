"""Load: many concurrent clients against a gateway over a slow LL2 that sometimes fails.

By default it starts two processes on loopback: the offline LL2 (``python -m gateway
upstream``) with ``--latency`` seconds added to every call and HTTP 503 on every Nth
call (N = 1 / ``--fail-share``), and a gateway over it (``python -m gateway serve``),
whose resident memory is sampled every second from ``/proc/<pid>/status``.  Then
``--clients`` clients (one aiohttp session) send a mix of ``bench/operations.py``,
lookups that miss the cache, and a few invalid requests, for ``--seconds``; each client
sends its next request when the previous one is answered.  It stops by itself.

Run from the repository root::

    python -m bench.load --clients 200 --seconds 60 [--latency 0.05] [--fail-share 0.05]
    python -m bench.load --url http://127.0.0.1:8000/graphql [--pid PID]   # a running gateway

It prints requests served and per second, HTTP statuses, errors by ``extensions.code``,
latency percentiles, the gateway's RSS (start, middle, end, peak: memory should be flat
over the second half) and the tracebacks and ``INTERNAL_SERVER_ERROR`` lines in the
gateway's stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import aiohttp
import orjson

from bench.operations import OPERATIONS
from bench.processes import START_TIMEOUT, free_port, stop_process, wait_listening

__all__ = ["main"]

#: Seconds a client waits for one answer (the gateway's own request timeout is 30 s).
REQUEST_TIMEOUT = 35.0
#: Seconds the clients get, after the run, to receive the answers still in flight.
DRAIN = 10.0

_JSON = {"Content-Type": "application/json"}


# -- the request mix ---------------------------------------------------------------------


def _cursor(offset: int) -> str:
    """The gateway's cursor for ``offset`` (as ``gateway.types.connection`` encodes it)."""
    import base64

    return base64.urlsafe_b64encode(f"ll2:{offset}".encode()).decode()


def _payload(query: str) -> bytes:
    return orjson.dumps({"query": query})


def _mix() -> list[tuple[str, int, Callable[[random.Random], bytes]]]:
    """(name, weight, make a request body): fixed operations, cache misses, invalid ones."""
    mix: list[tuple[str, int, Callable[[random.Random], bytes]]] = []
    for name, query in OPERATIONS.items():
        body = _payload(query)
        mix.append((name, 8, lambda rng, body=body: body))
    mix += [
        (
            "astronaut_by_random_id",
            6,
            lambda rng: _payload(
                f'{{ astronaut(id: "{rng.randint(1, 920)}") {{ name nationality {{ name }} '
                "agency { abbrev } } }"
            ),
        ),
        (
            "astronaut_page_at_random_offset",
            4,
            lambda rng: _payload(
                f'{{ astronauts(first: 10, after: "{_cursor(rng.randint(0, 850))}") '
                "{ totalCount nodes { id name image { thumbnailUrl } } } }"
            ),
        ),
        (
            "agency_by_random_id",
            3,
            lambda rng: _payload(f'{{ agency(id: "{rng.randint(1, 1100)}") {{ name abbrev }} }}'),
        ),
        ("invalid_syntax", 1, lambda rng: _payload('{ spacecraft(id: "602") { name }')),
        ("invalid_field", 1, lambda rng: _payload('{ spacecraft(id: "602") { warpFactor } }')),
        ("invalid_first", 1, lambda rng: _payload("{ spacecrafts(first: 1000) { totalCount } }")),
        ("invalid_json_body", 1, lambda rng: b'{"query": "{ agency(id: \\"121\\") { name }'),
    ]
    return mix


# -- measuring ---------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    #: request kind -> its latencies.
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    transport: Counter[str] = field(default_factory=Counter)
    sent: int = 0


def _codes(raw: bytes) -> Iterator[str]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        yield "(body not JSON)"
        return
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or ():
        yield (error.get("extensions") or {}).get("code") or "(no code)"


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def read_rss_kb(pid: int) -> int | None:
    """VmRSS of ``pid`` in kB, or None once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


async def _sample_rss(pid: int, samples: list[tuple[float, int]], stop: asyncio.Event) -> None:
    while not stop.is_set():
        rss = read_rss_kb(pid)
        if rss is not None:
            samples.append((time.monotonic(), rss))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds ``pid`` has used (``/proc/<pid>/stat``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _rss_at(samples: list[tuple[float, int]], moment: float) -> int | None:
    if not samples:
        return None
    return min(samples, key=lambda s: abs(s[0] - moment))[1]


# -- the clients -------------------------------------------------------------------------


async def _client(
    session: aiohttp.ClientSession,
    url: str,
    stats: Stats,
    rng: random.Random,
    until: float,
    max_requests: int,
    pick: Callable[[random.Random], tuple[str, bytes]],
) -> None:
    while time.monotonic() < until and stats.sent < max_requests:
        stats.sent += 1
        kind, body = pick(rng)
        started = time.perf_counter()
        try:
            async with session.post(url, data=body, headers=_JSON) as response:
                raw = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            stats.transport[type(exc).__name__] += 1
            continue
        seconds = time.perf_counter() - started
        stats.latencies.append(seconds)
        stats.by_kind.setdefault(kind, []).append(seconds)
        stats.statuses[status] += 1
        stats.codes.update(_codes(raw))


async def run_load(
    url: str, *, clients: int, seconds: float, max_requests: int, seed: int
) -> tuple[Stats, float, float]:
    """Hold ``clients`` clients for ``seconds``; returns the stats, start and end times."""
    mix = _mix()
    names = [m[0] for m in mix]
    weights = [m[1] for m in mix]
    makers = {m[0]: m[2] for m in mix}

    def pick(rng: random.Random) -> tuple[str, bytes]:
        kind = rng.choices(names, weights)[0]
        return kind, makers[kind](rng)

    stats = Stats()
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.monotonic()
        until = started + seconds
        tasks = [
            asyncio.create_task(
                _client(session, url, stats, random.Random(seed + i), until, max_requests, pick)
            )
            for i in range(clients)
        ]
        _, late = await asyncio.wait(tasks, timeout=seconds + DRAIN)
        for task in late:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        stats.transport["(cancelled at the end)"] += len(late)
        ended = time.monotonic()
    if not stats.transport["(cancelled at the end)"]:
        del stats.transport["(cancelled at the end)"]
    return stats, started, ended


# -- the processes -----------------------------------------------------------------------


def _spawn(args: list[str], stderr: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gateway", *args],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


async def _json(session: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> Any:
    async with session.request(method, url, **kwargs) as response:
        response.raise_for_status()
        return await response.json()


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# -- the report --------------------------------------------------------------------------


def _mb(kb: int | None) -> str:
    return "n/a" if kb is None else f"{kb / 1024:.1f}"


def _counts(counter: Counter[Any]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counter.most_common()) or "none"


def report(
    stats: Stats,
    started: float,
    ended: float,
    seconds: float,
    rss: list[tuple[float, int]],
    extra: list[str],
) -> str:
    latencies = sorted(stats.latencies)
    served = len(latencies)
    elapsed = max(ended - started, 1e-9)
    lines = [
        f"requests served     {served} ({served / elapsed:.1f}/s over {elapsed:.1f} s)",
        f"HTTP status         {_counts(stats.statuses)}",
        f"errors by code      {_counts(stats.codes)}",
        f"transport errors    {_counts(stats.transport)}",
        "latency ms          "
        + "  ".join(
            f"{label} {1000 * _percentile(latencies, share):.0f}"
            for label, share in (("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0))
        ),
    ]
    if rss:
        load = [s for s in rss if started <= s[0] <= ended] or rss
        start = _rss_at(rss, started)
        middle = _rss_at(rss, started + seconds / 2)
        end = load[-1][1]
        peak = max(kb for _, kb in rss)
        second_half = [kb for t, kb in load if t >= started + seconds / 2]
        lines.append(
            f"gateway RSS MB      start {_mb(start)}  middle {_mb(middle)}  end {_mb(end)}  "
            f"peak {_mb(peak)}  (second half: {_mb(min(second_half, default=None))} to "
            f"{_mb(max(second_half, default=None))}; end - middle "
            f"{(end - (middle or end)) / 1024:+.1f} MB; {len(rss)} samples)"
        )
    lines += extra
    lines.append("latency by kind     count   p50 ms   p99 ms")
    for kind, values in sorted(stats.by_kind.items(), key=lambda kv: -len(kv[1])):
        values.sort()
        lines.append(
            f"  {kind:<36}{len(values):>6} {1000 * _percentile(values, 0.5):>8.0f} "
            f"{1000 * _percentile(values, 0.99):>8.0f}"
        )
    return "\n".join(lines)


def _scan_stderr(path: Path) -> tuple[int, int]:
    text = path.read_text(errors="replace")
    return text.count("Traceback (most recent call last)"), (
        text.count("INTERNAL_SERVER_ERROR") + text.count("unexpected error")
    )


# -- main --------------------------------------------------------------------------------


async def _main(args: argparse.Namespace) -> int:
    if args.url:
        if not _is_loopback(args.url):
            print("bench.load: only loopback URLs (127.0.0.1, ::1, localhost)", file=sys.stderr)
            return 2
        rss: list[tuple[float, int]] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(_sample_rss(args.pid, rss, stop)) if args.pid else None
        print(f"load: {args.clients} clients for {args.seconds:g} s against {args.url}")
        stats, started, ended = await run_load(
            args.url,
            clients=args.clients,
            seconds=args.seconds,
            max_requests=args.max_requests,
            seed=args.seed,
        )
        stop.set()
        if sampler is not None:
            await sampler
        print(report(stats, started, ended, args.seconds, rss, []))
        return 0

    every = round(1 / args.fail_share) if args.fail_share > 0 else 0
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        up_log = Path(tmp, "upstream.stderr")
        gw_log = Path(tmp, "gateway.stderr")
        up_port, gw_port = free_port(), free_port()
        with up_log.open("wb") as up_err, gw_log.open("wb") as gw_err:
            upstream = _spawn(
                ["upstream", "--port", str(up_port), "--latency", str(args.latency)], up_err
            )
            gateway: subprocess.Popen[bytes] | None = None
            try:
                await wait_listening(upstream, up_port, "the offline LL2")
                origin = f"http://127.0.0.1:{up_port}"
                async with aiohttp.ClientSession() as http:
                    if every:
                        await _json(
                            http,
                            "POST",
                            f"{origin}/_offline/faults",
                            json={"kind": "status", "status": 503, "every": every},
                        )
                    gateway = _spawn(
                        [
                            "serve",
                            "--port",
                            str(gw_port),
                            "--upstream",
                            f"{origin}/2.3.0/",
                            "--log-level",
                            "WARNING",
                        ],
                        gw_err,
                    )
                    await wait_listening(gateway, gw_port, "the gateway")
                    url = f"http://127.0.0.1:{gw_port}/graphql"
                    print(
                        f"load: {args.clients} clients for {args.seconds:g} s against {url} "
                        f"(gateway pid {gateway.pid}); offline LL2 with {args.latency:g} s "
                        "latency" + (f" and HTTP 503 on every {every}th call" if every else "")
                    )
                    rss: list[tuple[float, int]] = []
                    stop = asyncio.Event()
                    sampler = asyncio.create_task(_sample_rss(gateway.pid, rss, stop))
                    gw_cpu, own_cpu = cpu_seconds(gateway.pid), time.process_time()
                    up_cpu = cpu_seconds(upstream.pid)
                    stats, started, ended = await run_load(
                        url,
                        clients=args.clients,
                        seconds=args.seconds,
                        max_requests=args.max_requests,
                        seed=args.seed,
                    )
                    gw_cpu = (cpu_seconds(gateway.pid) or 0.0) - (gw_cpu or 0.0)
                    own_cpu = time.process_time() - own_cpu
                    up_cpu = (cpu_seconds(upstream.pid) or 0.0) - (up_cpu or 0.0)
                    stop.set()
                    await sampler
                    status = await _json(
                        http,
                        "POST",
                        url,
                        json={"query": "{ upstreamStatus { calls cache { hitRate entries } } }"},
                    )
                    ll2_log = await _json(http, "GET", f"{origin}/_offline/log")
            finally:
                if gateway is not None:
                    stop_process(gateway)
                stop_process(upstream)
        upstream_status = status["data"]["upstreamStatus"]
        injected = sum(1 for r in ll2_log["requests"] if r.get("fault") == "status")
        tracebacks, internal = _scan_stderr(gw_log)
        up_tracebacks, _ = _scan_stderr(up_log)
        hit_rate = upstream_status["cache"]["hitRate"]
        extra = [
            f"LL2 calls           {ll2_log['count']} served by the offline LL2 ({injected} "
            f"answered 503); gateway cache hit rate "
            f"{'n/a' if hit_rate is None else f'{hit_rate:.3f}'}, "
            f"{upstream_status['cache']['entries']} entries",
            f"gateway stderr      {tracebacks} tracebacks, {internal} INTERNAL_SERVER_ERROR "
            f"lines (offline LL2 stderr: {up_tracebacks} tracebacks)",
            f"CPU seconds         gateway {gw_cpu:.1f} ({gw_cpu / (ended - started):.0%} of "
            f"a core), offline LL2 {up_cpu:.1f}, load clients {own_cpu:.1f} "
            f"({os.cpu_count()} cores here)",
            f"exit codes          gateway {gateway.returncode if gateway else 'n/a'}, "
            f"offline LL2 {upstream.returncode}",
        ]
        print(report(stats, started, ended, args.seconds, rss, extra))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--clients", type=int, default=200, help="Concurrent clients.")
    parser.add_argument("--seconds", type=float, default=60.0, help="How long to send.")
    parser.add_argument(
        "--latency", type=float, default=0.05, help="Seconds the offline LL2 adds to each call."
    )
    parser.add_argument(
        "--fail-share",
        type=float,
        default=0.05,
        help="Share of LL2 calls answered 503 (every round(1/share)th call; 0 for none).",
    )
    parser.add_argument(
        "--url", help="A running gateway's /graphql on loopback (nothing is started)."
    )
    parser.add_argument("--pid", type=int, help="With --url: the gateway's pid, to sample RSS.")
    parser.add_argument(
        "--max-requests", type=int, default=1_000_000, help="Stop after this many requests."
    )
    parser.add_argument("--seed", type=int, default=1, help="Seed of the request mix.")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or not 0 <= args.fail_share < 1:
        parser.error("need --clients >= 1, --seconds > 0 and 0 <= --fail-share < 1")
    budget = args.seconds + DRAIN + 2 * START_TIMEOUT + 60
    try:
        return asyncio.run(asyncio.wait_for(_main(args), budget))
    except TimeoutError:
        print(f"bench.load: gave up after {budget:.0f} s", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
