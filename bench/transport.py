"""Upstream transport: CPU per LL2 call through ``LL2Client``, per httpx transport, side by side.

The offline LL2 runs in this process, on its own thread and event loop; the client side
runs on the main thread. For every candidate transport under ``LL2Client`` (the same
client, errors and decoding; only ``transport=`` differs) it makes ``--calls`` GETs of a
small LL2 answer and a quarter as many of a large one, one at a time ("alone") and
``--concurrency`` at a time, in ``--rounds`` rounds that interleave the candidates (each
round in another order) so that the noise of a shared machine falls on all of them alike.
It prints the median over the rounds of CPU per call:

* **client**: CPU time of the client thread (``time.thread_time``), what one LL2 call
  costs the gateway, the emulator excluded;
* **process**: ``time.process_time`` of the whole process, the emulator included.

and the ratio of each candidate's client CPU to httpx's own transport's, plus the TCP
connections the emulator accepted during the measured calls (keep-alive: about none once
the pool is warm). Candidates: httpx's own transport (httpcore); the same with ``sniffio``
hidden, as it was before it was a dependency (httpcore then retries a failing
``import sniffio`` on every call); ``httpx-aiohttp``'s transport (when installed);
the gateway's :class:`~gateway.upstream.transport.AiohttpTransport` (``LL2Client``'s
default). For reference, not a candidate, aiohttp's client alone with no httpx over it.

Run from the repository root::

    python -m bench.transport [--calls 300] [--rounds 9] [--concurrency 20] [--markdown]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.abc
import importlib.metadata
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol

import aiohttp
import httpx
import orjson

from gateway.offline import RunningUpstream, start_offline_upstream
from gateway.upstream.client import LL2Client
from gateway.upstream.transport import AiohttpTransport

__all__ = ["main"]

#: (label, path, query) of the two answers fetched.
WORKLOADS = (
    ("small", "agencies/", {"limit": "1", "mode": "list"}),
    ("large", "spacecraft/", {"limit": "100", "mode": "detailed"}),
)
BASELINE = "httpx"


# -- the emulator on its own thread ------------------------------------------------------


class Emulator:
    """The offline LL2 on a thread of its own; counts the TCP connections it accepts."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.connections = 0
        self.upstream: RunningUpstream | None = None

    def __enter__(self) -> Emulator:
        self.thread.start()
        self.upstream = self._run(start_offline_upstream())
        server: Any = self.upstream.runner.server
        accept = server.connection_made

        def counting(handler: Any, transport: Any) -> None:
            self.connections += 1
            accept(handler, transport)

        server.connection_made = counting
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.upstream is not None:
            self._run(self.upstream.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()

    def _run(self, coro: Awaitable[Any]) -> Any:
        async def wrapped() -> Any:
            return await coro

        return asyncio.run_coroutine_threadsafe(wrapped(), self.loop).result()

    @property
    def url(self) -> str:
        assert self.upstream is not None
        return self.upstream.url


# -- sniffio as it was: missing -----------------------------------------------------------


class _MissingSniffio(importlib.abc.MetaPathFinder):
    """``import sniffio`` fails after the lookups a module that is not installed costs."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> None:
        if fullname != "sniffio":
            return None
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                finder.find_spec(fullname, path, target)
        raise ModuleNotFoundError("No module named 'sniffio'", name="sniffio")


@contextmanager
def no_sniffio() -> Iterator[None]:
    finder = _MissingSniffio()
    saved = sys.modules.pop("sniffio", None)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        if saved is not None:
            sys.modules["sniffio"] = saved


@contextmanager
def as_is() -> Iterator[None]:
    yield


# -- the candidates ------------------------------------------------------------------------


class Getter(Protocol):
    """What a candidate is asked: ``get(path, params)`` and ``aclose()``."""

    async def get(self, path: str, params: dict[str, str] | None = None) -> Any: ...

    async def aclose(self) -> None: ...


class AiohttpAlone:
    """Reference: aiohttp's client with no httpx over it (not a candidate: no httpx API)."""

    def __init__(self, base_url: str, max_connections: int) -> None:
        self.base_url = base_url
        self.max_connections = max_connections
        self.session: aiohttp.ClientSession | None = None

    async def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        if self.session is None:
            connector = aiohttp.TCPConnector(limit=self.max_connections, keepalive_timeout=5.0)
            self.session = aiohttp.ClientSession(connector=connector)
        async with self.session.get(self.base_url + path, params=params) as response:
            body = await response.read()
        return orjson.loads(body)

    async def aclose(self) -> None:
        if self.session is not None:
            await self.session.close()


def _httpx_aiohttp(max_connections: int) -> httpx.AsyncBaseTransport:
    from httpx_aiohttp import AiohttpTransport as HttpxAiohttpTransport

    return HttpxAiohttpTransport(limits=httpx.Limits(max_connections=max_connections))


@dataclass(slots=True)
class Candidate:
    name: str
    make: Callable[[str, int], Getter]
    context: Callable[[], Any] = as_is
    reference: bool = False
    getter: Getter | None = None
    #: (workload, mode) -> per-round (client ms per call, process ms per call).
    runs: dict[tuple[str, str], list[tuple[float, float]]] = field(default_factory=dict)
    calls: int = 0
    connections: int = 0


def _over(transport: Callable[[int], httpx.AsyncBaseTransport]) -> Callable[[str, int], Getter]:
    def make(url: str, max_connections: int) -> Getter:
        return LL2Client(url, max_connections=max_connections, transport=transport(max_connections))

    return make


def candidates() -> list[Candidate]:
    def httpcore(n: int) -> httpx.AsyncBaseTransport:
        return httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=n))

    found = [
        Candidate(BASELINE, _over(httpcore)),
        Candidate("httpx, sniffio missing", _over(httpcore), context=no_sniffio),
    ]
    try:
        importlib.metadata.version("httpx-aiohttp")
    except importlib.metadata.PackageNotFoundError:
        print("httpx-aiohttp is not installed: `pip install httpx-aiohttp` to compare it")
    else:
        found.append(Candidate("httpx-aiohttp", _over(_httpx_aiohttp)))
    found.append(
        Candidate(
            "gateway AiohttpTransport",
            _over(lambda n: AiohttpTransport(max_connections=n)),
        )
    )
    found.append(Candidate("aiohttp alone", AiohttpAlone, reference=True))
    return found


# -- measuring -------------------------------------------------------------------------------


async def _calls(
    getter: Getter, path: str, query: dict[str, str], n: int, concurrency: int
) -> None:
    async def worker(count: int) -> None:
        for _ in range(count):
            await getter.get(path, query)

    if concurrency <= 1:
        await worker(n)
        return
    share, extra = divmod(n, concurrency)
    await asyncio.gather(*(worker(share + (i < extra)) for i in range(concurrency)))


async def measure(args: argparse.Namespace, emulator: Emulator) -> Measured:
    found = candidates()
    modes = (("alone", 1), ("concurrent", args.concurrency))
    measured = Measured(found)
    async with aiohttp.ClientSession() as session:
        for label, path, query in WORKLOADS:  # what decoding each body costs, alone
            async with session.get(emulator.url + path, params=query) as response:
                body = await response.read()
            measured.sizes[label] = len(body)
            started = time.thread_time()
            for _ in range(50):
                orjson.loads(body)
            measured.decode[label] = (time.thread_time() - started) * 1000 / 50
    for candidate in found:
        candidate.getter = candidate.make(emulator.url, args.concurrency)
    try:
        for round_ in range(args.rounds):
            order = found[round_ % len(found) :] + found[: round_ % len(found)]
            for label, path, query in WORKLOADS:
                calls = args.calls if label == "small" else max(args.calls // 4, args.concurrency)
                for mode, concurrency in modes:
                    for candidate in order:
                        getter = candidate.getter
                        assert getter is not None
                        with candidate.context():
                            # not measured: (re)open the pool (idle connections expire
                            # after 5 s), so the run measures kept-alive connections
                            await _calls(getter, path, query, concurrency, concurrency)
                            opened = emulator.connections
                            client, process = time.thread_time(), time.process_time()
                            await _calls(getter, path, query, calls, concurrency)
                            client = time.thread_time() - client
                            process = time.process_time() - process
                        key = (label, mode)
                        per_call = (client * 1000 / calls, process * 1000 / calls)
                        candidate.runs.setdefault(key, []).append(per_call)
                        candidate.calls += calls
                        candidate.connections += emulator.connections - opened
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    finally:
        for candidate in found:
            if candidate.getter is not None:
                await candidate.getter.aclose()
    return measured


# -- reporting -------------------------------------------------------------------------------


@dataclass(slots=True)
class Measured:
    candidates: list[Candidate]
    #: workload -> body bytes; -> ms of CPU that ``orjson.loads`` of the body takes.
    sizes: dict[str, int] = field(default_factory=dict)
    decode: dict[str, float] = field(default_factory=dict)


def _median(values: list[tuple[float, float]], which: int) -> float:
    return statistics.median(v[which] for v in values)


def report(measured: Measured, args: argparse.Namespace) -> str:
    found = measured.candidates
    baseline = next(c for c in found if c.name == BASELINE)
    keys = [(label, mode) for label, _, _ in WORKLOADS for mode in ("alone", "concurrent")]
    header = ["transport under LL2Client"] + [
        f"{label} ({measured.sizes[label] / 1000:.1f} kB), "
        + ("alone" if mode == "alone" else f"{args.concurrency} at once")
        for label, mode in keys
    ]
    rows = []
    for c in found:
        cells = []
        for key in keys:
            client = _median(c.runs[key], 0)
            process = _median(c.runs[key], 1)
            ratio = client / _median(baseline.runs[key], 0)
            cells.append(f"{client:.2f} ms ({ratio:.2f}; {process:.2f})")
        name = f"{c.name} (reference)" if c.reference else c.name
        rows.append([name, *cells])
    lines = []
    if args.markdown:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    else:
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    lines += [
        "",
        "cell: client CPU per call, the median of the rounds (its ratio to httpx's own "
        "transport's; process CPU per call, the in-process emulator included)",
        "of which decoding the JSON body (orjson.loads, in every row): "
        + ", ".join(f"{label} {ms:.3f} ms" for label, ms in measured.decode.items()),
        "TCP connections opened during the measured calls: "
        + ", ".join(f"{c.name} {c.connections} in {c.calls} calls" for c in found),
    ]
    return "\n".join(lines)


def _versions() -> str:
    names = ("httpx", "httpcore", "aiohttp", "httpx-aiohttp", "sniffio")
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} NOT INSTALLED")
    return ", ".join(found) + f"; Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--calls", type=int, default=300, help="GETs per run of the small answer (default 300)"
    )
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (default 9)")
    parser.add_argument("--concurrency", type=int, default=20, help="calls at once (default 20)")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = parser.parse_args(argv)
    print(_versions())
    with Emulator() as emulator:
        measured = asyncio.run(measure(args, emulator))
    print(report(measured, args))


if __name__ == "__main__":
    main()
