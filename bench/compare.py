"""Against Apollo Server: this gateway and an Apollo peer over the same offline LL2.

It starts, on 127.0.0.1 only, the offline LL2 (``python -m gateway upstream``), the gateway
(``python -m gateway serve`` with a call budget that never refuses) and, unless
``--skip-apollo``, the peer in ``bench/apollo/`` twice: Apollo Server 5 with
``@apollo/datasource-rest`` as the Apollo documentation shows it (``apollo``), and the same
with ``@apollo/server-plugin-response-cache`` caching whole responses (``apollo+cache``).
The peer's npm packages are installed (``npm ci``) when ``bench/apollo/node_modules`` is
missing.

Every server gets the same operations (:data:`OPERATIONS`), measured two ways:

* **cold**: on freshly started servers (their process warmed with ``{ __typename }``, their
  caches empty), each operation once; ``--cold-rounds`` times, the median is shown;
* **warm**: after a warm-up, ``--concurrency`` keep-alive connections send the same
  operation back to back for ``--seconds`` per server, cut into ``--rounds`` slices
  interleaved between the servers (gateway, apollo, apollo+cache, then apollo,
  apollo+cache, gateway...), so that the machine's noise falls on all of them alike.

For each operation and server it prints requests per second, p50 and p99 latency, CPU
milliseconds per request (the server's process tree, from ``/proc/<pid>/stat``), RSS, LL2
calls per request (the offline LL2's ``/_offline/log``, reset before each slice) and the
offline LL2's own CPU per request, then the ratios gateway/peer, and whether each peer
returned the same ``data`` as the gateway. The load client's CPU share is shown too: near
100 % means the client, not the server, set the pace.

Run from the repository root::

    python -m bench.compare --seconds 10 --concurrency 10 [--workers N] [--skip-apollo]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bench.load import read_rss_kb
from bench.operations import OPERATIONS as SUITE
from bench.processes import HOST, START_TIMEOUT, free_port, wait_listening

__all__ = ["OPERATIONS", "main"]

ROOT = Path(__file__).resolve().parent.parent
APOLLO_DIR = Path(__file__).resolve().parent / "apollo"
#: Seconds one request may take before the client gives up on it.
REQUEST_TIMEOUT = 30.0

#: The operations, by name: the first two as the brief words them, then two of the suite's
#: that the Apollo peer answers with the same few resolvers.
OPERATIONS: dict[str, str] = {
    "spacecrafts_agency_descriptions": (
        "{ spacecrafts(first: 20) { nodes { id name "
        "spacecraftConfig { name agency { name description } } } } }"
    ),
    "agency_by_id": '{ agency(id: "44") { id name } }',
    # The list again, as a document no server has seen: each request aliases a field
    # anew, so no parse, validation or response cache can answer it.
    "spacecrafts_unseen_document": (
        "{ spacecrafts(first: 20) { nodes { id n__N__: name "
        "spacecraftConfig { name agency { name description } } } } }"
    ),
    "mobile_astronaut_list": " ".join(SUITE["mobile_astronaut_list"].split()),
    "spacecraft_detail_page": " ".join(SUITE["spacecraft_detail_page"].split()),
}

GATEWAY = "gateway"
APOLLO = "apollo"
APOLLO_CACHE = "apollo+cache"


# -- /proc accounting ----------------------------------------------------------------------


def _stat_fields(stat_line: str) -> list[str]:
    """The fields of a ``/proc/<pid>/stat`` line after ``comm`` (which may hold spaces)."""
    return stat_line.rsplit(")", 1)[1].split()


def stat_cpu_seconds(stat_line: str, clock_ticks: int) -> float:
    """User + system CPU seconds from a ``/proc/<pid>/stat`` line (fields 14 and 15)."""
    fields = _stat_fields(stat_line)
    return (int(fields[11]) + int(fields[12])) / clock_ticks


def stat_ppid(stat_line: str) -> int:
    """The parent pid from a ``/proc/<pid>/stat`` line (field 4)."""
    return int(_stat_fields(stat_line)[1])


def _read_stat(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None


def descendants(root: int, parents: dict[int, int]) -> list[int]:
    """``root`` and every process below it, given each pid's parent."""
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def process_tree(root: int) -> list[int]:
    """``root`` and its live descendants (a gateway with ``--workers`` has several)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (line := _read_stat(int(entry.name))) is not None:
            with contextlib.suppress(ValueError, IndexError):
                parents[int(entry.name)] = stat_ppid(line)
    return descendants(root, parents)


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by ``root`` and its live descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in process_tree(root):
        if (line := _read_stat(pid)) is not None:
            with contextlib.suppress(ValueError, IndexError):
                total += stat_cpu_seconds(line, ticks)
    return total


def tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and its live descendants, in kB (shared pages counted
    once per process)."""
    return sum(read_rss_kb(pid) or 0 for pid in process_tree(root))


# -- statistics and formatting -------------------------------------------------------------


def percentile(sorted_values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile of already sorted values; None when there are none."""
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``, or None when either is unknown or the denominator 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def fmt(value: float | None) -> str:
    """A measure with about three significant digits; ``-`` when unknown."""
    if value is None:
        return "-"
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.2g}" if abs(value) < 0.01 else f"{value:.3f}"


def fmt_ratio(value: float | None) -> str:
    """A ratio as ``0.52x``; ``-`` when it cannot be taken."""
    return "-" if value is None else f"{fmt(value)}x"


@dataclass
class Slice:
    """One interval of load on one server."""

    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    server_cpu: float
    upstream_cpu: float
    client_cpu: float
    upstream_calls: int
    rss_kb: int


@dataclass
class Measure:
    """Everything measured for one operation on one server."""

    slices: list[Slice] = field(default_factory=list)
    cold_ms: list[float] = field(default_factory=list)
    cold_calls: list[int] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.slices)

    def _per_request(self, total: float) -> float | None:
        return total / self.requests if self.requests else None

    def summary(self) -> dict[str, float | None]:
        latencies = sorted(x for s in self.slices for x in s.latencies)
        seconds = sum(s.seconds for s in self.slices)
        p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
        cpu = self._per_request(sum(s.server_cpu for s in self.slices))
        up_cpu = self._per_request(sum(s.upstream_cpu for s in self.slices))
        return {
            "requests": float(self.requests),
            "errors": float(sum(s.errors for s in self.slices)),
            "rps": self.requests / seconds if seconds else None,
            "p50_ms": None if p50 is None else 1000 * p50,
            "p99_ms": None if p99 is None else 1000 * p99,
            "cpu_ms": None if cpu is None else 1000 * cpu,
            "rss_mb": max((s.rss_kb for s in self.slices), default=0) / 1024 or None,
            "calls": self._per_request(sum(s.upstream_calls for s in self.slices)),
            "ll2_cpu_ms": None if up_cpu is None else 1000 * up_cpu,
            "client_cpu": (sum(s.client_cpu for s in self.slices) / seconds if seconds else None),
            "cold_ms": statistics.median(self.cold_ms) if self.cold_ms else None,
            "cold_calls": statistics.median(self.cold_calls) if self.cold_calls else None,
        }


#: (summary key, column title, whether a ratio row makes sense for it)
COLUMNS: list[tuple[str, str, bool]] = [
    ("rps", "req/s", True),
    ("p50_ms", "p50 ms", True),
    ("p99_ms", "p99 ms", True),
    ("cpu_ms", "CPU ms/req", True),
    ("rss_mb", "RSS MB", True),
    ("calls", "LL2 calls/req", True),
    ("ll2_cpu_ms", "LL2 CPU ms/req", True),
    ("cold_ms", "cold ms", True),
    ("cold_calls", "cold calls", True),
    ("errors", "errors", False),
    ("client_cpu", "client CPU", False),
]


def table_rows(
    summaries: dict[str, dict[str, float | None]], servers: Sequence[str]
) -> list[list[str]]:
    """One row per server, then one ``gateway/<peer>`` ratio row per peer."""
    rows = []
    for server in servers:
        s = summaries[server]
        cells = []
        for key, _, _ in COLUMNS:
            value = s[key]
            if key == "client_cpu":
                cells.append("-" if value is None else f"{value:.0%}")
            elif key == "errors":
                cells.append("-" if value is None else f"{value:.0f}")
            else:
                cells.append(fmt(value))
        rows.append([server, *cells])
    for peer in servers:
        if peer == GATEWAY or GATEWAY not in summaries:
            continue
        cells = [
            fmt_ratio(ratio(summaries[GATEWAY][key], summaries[peer][key])) if show else ""
            for key, _, show in COLUMNS
        ]
        rows.append([f"{GATEWAY}/{peer}", *cells])
    return rows


def render_text(title: str, check: str, rows: list[list[str]]) -> str:
    header = ["server", *(title for _, title, _ in COLUMNS)]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([f"{title}   {check}", line(header), *(line(r) for r in rows)])


def render_markdown(blocks: list[tuple[str, str, list[list[str]]]]) -> str:
    keep = [i for i, (key, _, _) in enumerate(COLUMNS) if key not in ("errors", "client_cpu")]
    header = ["operation", "server", *(COLUMNS[i][1] for i in keep)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, _, rows in blocks:
        for n, row in enumerate(rows):
            label = f"`{name}`" if n == 0 else ""
            server = row[0] if "/" not in row[0] else f"*{row[0]}*"
            lines.append("| " + " | ".join([label, server, *(row[1 + i] for i in keep)]) + " |")
    return "\n".join(lines)


def first_difference(left: Any, right: Any, path: str = "data") -> str | None:
    """Where two decoded JSON values first differ (``data.a[3].b``), or None if equal."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in [*left, *(k for k in right if k not in left)]:
            if key not in left or key not in right:
                return f"{path}.{key}"
            if (found := first_difference(left[key], right[key], f"{path}.{key}")) is not None:
                return found
        return None
    if isinstance(left, list) and isinstance(right, list):
        for i, (a, b) in enumerate(zip(left, right, strict=False)):
            if (found := first_difference(a, b, f"{path}[{i}]")) is not None:
                return found
        return None if len(left) == len(right) else f"{path} (length {len(left)} vs {len(right)})"
    return None if left == right else path


# -- a small HTTP/1.1 keep-alive client ----------------------------------------------------


def parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    """Status and lower-cased headers of an HTTP/1.1 response head."""
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return status, headers


class Client:
    """One keep-alive connection to a server on 127.0.0.1 (lighter than a full client, so
    that the load client is less often what limits the rate)."""

    def __init__(self, port: int, path: str = "/graphql") -> None:
        self.port, self.path = port, path
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def request_bytes(self, body: bytes) -> bytes:
        return (
            f"POST {self.path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def send(self, request: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status, headers = parse_head(head)
        if "chunked" in headers.get("transfer-encoding", ""):
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(p[:-2] for p in parts)
        elif "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        else:
            body = await self.reader.read()
            await self.close()
            return status, body
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body


async def http_json(port: int, method: str, path: str) -> Any:
    """One request to the offline LL2's control routes."""
    client = Client(port, path)
    try:
        request = (
            f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Length: 0\r\n\r\n"
        ).encode()
        status, body = await asyncio.wait_for(client.send(request), REQUEST_TIMEOUT)
        if status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {status}")
        return json.loads(body)
    finally:
        await client.close()


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    last_body: bytes | None


#: In an operation, replaced by a number new on every request.
UNSEEN = "__N__"
_unseen = itertools.count(1)


def request_body(query: str) -> bytes:
    """The POST body for ``query``, with a new number in place of :data:`UNSEEN`."""
    if UNSEEN in query:
        query = query.replace(UNSEEN, str(next(_unseen)))
    return json.dumps({"query": query}).encode()


async def drive(port: int, path: str, query: str, concurrency: int, seconds: float) -> LoadResult:
    """``concurrency`` connections sending ``query`` back to back for ``seconds``."""
    clients = [Client(port, path) for _ in range(concurrency)]
    unseen = UNSEEN in query
    request = clients[0].request_bytes(request_body(query))
    await asyncio.gather(*(c.open() for c in clients))
    latencies: list[float] = []
    errors = 0
    last_body: bytes | None = None
    started = time.perf_counter()
    deadline = started + seconds

    async def worker(client: Client) -> None:
        nonlocal errors, last_body
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            payload = client.request_bytes(request_body(query)) if unseen else request
            try:
                status, body = await asyncio.wait_for(client.send(payload), REQUEST_TIMEOUT)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
                errors += 1
                await client.close()
                continue
            latencies.append(time.perf_counter() - sent)
            if status != 200 or b'"errors"' in body:
                errors += 1
            last_body = body

    try:
        await asyncio.gather(*(worker(c) for c in clients))
    finally:
        await asyncio.gather(*(c.close() for c in clients))
    return LoadResult(len(latencies), errors, time.perf_counter() - started, latencies, last_body)


# -- processes -----------------------------------------------------------------------------


class Processes:
    """Every process this benchmark starts, each in its own session, so that stopping one
    stops its children too and a Ctrl-C in the terminal reaches only this script."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []

    def spawn(
        self, name: str, argv: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"{name.replace('+', '-')}.{len(self.running)}.log").open("wb")
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        self.running.append((name, proc, log))
        return proc

    @staticmethod
    def _signal(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        # The process leads its own group (start_new_session): this reaches it and its
        # children, and nothing else.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)

    def stop(self, proc: subprocess.Popen[bytes]) -> None:
        for entry in [e for e in self.running if e[1] is proc]:
            self._signal(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._signal(proc, signal.SIGKILL)
                proc.wait(timeout=5)
            # Children that outlived their parent are still in its group.
            self._signal(proc, signal.SIGKILL)
            entry[2].close()
            self.running.remove(entry)

    def stop_all(self) -> None:
        for _, proc, _ in list(reversed(self.running)):
            self.stop(proc)

    def log_tail(self, proc: subprocess.Popen[bytes], lines: int = 15) -> str:
        for _, p, log in self.running:
            if p is proc:
                log.flush()
                return "\n".join(Path(log.name).read_text(errors="replace").splitlines()[-lines:])
        return ""


def _clean_env(extra: dict[str, str]) -> dict[str, str]:
    """This environment without the gateway's, LL2's and Apollo's own settings (which would
    change what is measured, or send anything anywhere), plus ``extra``."""
    drop = ("GATEWAY_", "LL2_", "APOLLO_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, **extra}


def gateway_help() -> str:
    return subprocess.run(
        [sys.executable, "-m", "gateway", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=_clean_env({}),
    ).stdout


def ensure_apollo_installed() -> None:
    """``npm ci`` in bench/apollo when its node_modules is missing."""
    if shutil.which("node") is None:
        raise RuntimeError("the Apollo peer needs node (or pass --skip-apollo)")
    if (APOLLO_DIR / "node_modules" / "@apollo" / "server").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("installing the Apollo peer needs npm (or pass --skip-apollo)")
    print("installing the Apollo peer (npm ci in bench/apollo)...", flush=True)
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=APOLLO_DIR, check=True, env=_clean_env({})
    )


@dataclass
class Server:
    name: str
    port: int
    path: str
    proc: subprocess.Popen[bytes]


class Stack:
    """The servers under test, over one offline LL2."""

    def __init__(self, procs: Processes, args: argparse.Namespace, workers: bool) -> None:
        self.procs, self.args, self.workers = procs, args, workers
        self.upstream_port = 0
        self.upstream: subprocess.Popen[bytes] | None = None
        self.servers: list[Server] = []

    async def start_upstream(self) -> None:
        self.upstream_port = free_port()
        self.upstream = self.procs.spawn(
            "offline-ll2",
            [
                sys.executable,
                "-m",
                "gateway",
                "upstream",
                "--host",
                HOST,
                "--port",
                str(self.upstream_port),
            ],
            env=_clean_env({"PYTHONUNBUFFERED": "1"}),
        )
        await wait_listening(self.upstream, self.upstream_port, "the offline LL2")

    @property
    def upstream_url(self) -> str:
        return f"http://{HOST}:{self.upstream_port}/2.3.0/"

    async def start_servers(self) -> None:
        specs: list[tuple[str, int, str, list[str], Path, dict[str, str]]] = []
        port = free_port()
        gateway = [
            sys.executable,
            "-m",
            "gateway",
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--upstream",
            self.upstream_url,
            "--upstream-rate",
            "100000000",
            "--log-level",
            "WARNING",
        ]
        if self.workers:
            gateway += ["--workers", str(self.args.workers)]
        specs.append((GATEWAY, port, "/graphql", gateway, ROOT, {"PYTHONUNBUFFERED": "1"}))
        if not self.args.skip_apollo:
            node = shutil.which("node") or "node"
            for name, extra in ((APOLLO, []), (APOLLO_CACHE, ["--response-cache"])):
                port = free_port()
                argv = [node, "server.mjs", "--port", str(port), "--upstream", self.upstream_url]
                specs.append(
                    (name, port, "/graphql", argv + extra, APOLLO_DIR, {"NODE_ENV": "production"})
                )
        started = [
            Server(name, port, path, self.procs.spawn(name, argv, cwd=cwd, env=_clean_env(env)))
            for name, port, path, argv, cwd, env in specs
        ]
        self.servers = started
        for server in started:
            try:
                await wait_listening(server.proc, server.port, server.name)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}\n{self.procs.log_tail(server.proc)}") from None

    def stop_servers(self) -> None:
        for server in self.servers:
            self.procs.stop(server.proc)
        self.servers = []

    async def reset_log(self) -> None:
        await http_json(self.upstream_port, "POST", "/_offline/reset")

    async def calls(self) -> int:
        return int((await http_json(self.upstream_port, "GET", "/_offline/log"))["count"])


# -- the run -------------------------------------------------------------------------------


def rotate(items: Sequence[Server], by: int) -> list[Server]:
    by %= max(len(items), 1)
    return [*items[by:], *items[:by]]


async def one_request(server: Server, query: str) -> tuple[float, Any, int]:
    """One request on a new connection: seconds, the decoded answer and its size in bytes."""
    client = Client(server.port, server.path)
    try:
        await client.open()
        request = client.request_bytes(json.dumps({"query": query.replace(UNSEEN, "0")}).encode())
        started = time.perf_counter()
        status, raw = await asyncio.wait_for(client.send(request), REQUEST_TIMEOUT)
        seconds = time.perf_counter() - started
    finally:
        await client.close()
    if status != 200:
        raise RuntimeError(f"{server.name} answered HTTP {status} to {query[:60]}...: {raw!r}")
    return seconds, json.loads(raw), len(raw)


async def cold_round(
    stack: Stack,
    round_no: int,
    measures: dict[tuple[str, str], Measure],
    operations: dict[str, str],
) -> dict[str, dict[str, Any]]:
    """Fresh servers, each operation once; returns each server's answers."""
    await stack.start_servers()
    answers: dict[str, dict[str, Any]] = {s.name: {} for s in stack.servers}
    try:
        for server in stack.servers:
            for _ in range(5):
                await one_request(server, "{ __typename }")
        for name, query in operations.items():
            for server in rotate(stack.servers, round_no):
                await stack.reset_log()
                seconds, body, _ = await one_request(server, query)
                measure = measures[(name, server.name)]
                measure.cold_ms.append(1000 * seconds)
                measure.cold_calls.append(await stack.calls())
                answers[server.name][name] = body
    except BaseException:
        stack.stop_servers()
        raise
    return answers


async def load_slice(
    stack: Stack, server: Server, query: str, concurrency: int, seconds: float
) -> Slice:
    assert stack.upstream is not None
    await stack.reset_log()
    cpu0, up0, own0 = (
        tree_cpu_seconds(server.proc.pid),
        tree_cpu_seconds(stack.upstream.pid),
        time.process_time(),
    )
    result = await drive(server.port, server.path, query, concurrency, seconds)
    server_cpu = tree_cpu_seconds(server.proc.pid) - cpu0
    upstream_cpu = tree_cpu_seconds(stack.upstream.pid) - up0
    client_cpu = time.process_time() - own0
    return Slice(
        requests=result.requests,
        errors=result.errors,
        seconds=result.seconds,
        latencies=result.latencies,
        server_cpu=server_cpu,
        upstream_cpu=upstream_cpu,
        client_cpu=client_cpu,
        upstream_calls=await stack.calls(),
        rss_kb=tree_rss_kb(server.proc.pid),
    )


def check_line(name: str, answers: dict[str, dict[str, Any]], servers: Iterable[str]) -> str:
    """``check: apollo equal, apollo+cache equal`` (the ``data`` of each peer's answer
    against the gateway's; errors count as a difference)."""
    reference = answers[GATEWAY][name]
    parts = []
    for server in servers:
        if server == GATEWAY:
            continue
        answer = answers[server][name]
        if answer.get("errors") or reference.get("errors"):
            parts.append(f"{server} different (errors: {answer.get('errors')})")
            continue
        where = first_difference(reference.get("data"), answer.get("data"))
        parts.append(f"{server} equal" if where is None else f"{server} different at {where}")
    return "check: " + (", ".join(parts) if parts else "no peer")


async def run(args: argparse.Namespace, procs: Processes) -> int:
    help_text = await asyncio.to_thread(gateway_help)
    workers = args.workers is not None and "--workers" in help_text
    if args.workers is not None and not workers:
        print(
            f"note: `ll2-gateway serve --help` lists no --workers: --workers {args.workers} "
            "ignored, the gateway runs as one process"
        )
    if not args.skip_apollo:
        await asyncio.to_thread(ensure_apollo_installed)

    stack = Stack(procs, args, workers)
    await stack.start_upstream()
    names = [GATEWAY] if args.skip_apollo else [GATEWAY, APOLLO, APOLLO_CACHE]
    operations = {name: OPERATIONS[name] for name in args.only or OPERATIONS}
    measures = {(op, s): Measure() for op in operations for s in names}

    # Cold: fresh servers per round; the last round's servers stay up for the warm runs.
    cold_answers: dict[str, dict[str, Any]] = {}
    for round_no in range(args.cold_rounds):
        if stack.servers:
            stack.stop_servers()
        print(f"cold round {round_no + 1}/{args.cold_rounds}...", flush=True)
        cold_answers = await cold_round(stack, round_no, measures, operations)
    if not stack.servers:
        await stack.start_servers()

    slice_seconds = args.seconds / args.rounds
    warm_answers: dict[str, dict[str, Any]] = {s.name: {} for s in stack.servers}
    checks: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for name, query in operations.items():
        print(f"warm: {name}...", flush=True)
        for server in stack.servers:
            await drive(server.port, server.path, query, args.concurrency, min(2.0, slice_seconds))
            _, warm_answers[server.name][name], sizes[server.name] = await one_request(
                server, query
            )
        checks[name] = check_line(name, warm_answers, names)
        if cold_answers:
            cold_check = check_line(name, cold_answers, names)
            if cold_check != checks[name]:
                checks[name] += f" (cold answers: {cold_check.removeprefix('check: ')})"
        checks[name] += "; answer bytes " + ", ".join(f"{s} {n}" for s, n in sizes.items())
        for round_no in range(args.rounds):
            for server in rotate(stack.servers, round_no):
                measures[(name, server.name)].slices.append(
                    await load_slice(stack, server, query, args.concurrency, slice_seconds)
                )
    stack.stop_servers()

    blocks = []
    for name in operations:
        summaries = {s: measures[(name, s)].summary() for s in names}
        blocks.append((name, checks[name], table_rows(summaries, names)))
    print()
    print(
        f"{args.seconds:g} s per server and operation in {args.rounds} interleaved slices, "
        f"{args.concurrency} connections; cold: median of {args.cold_rounds} fresh starts; "
        f"gateway {'with --workers ' + str(args.workers) if workers else 'in one process'}; "
        f"{os.cpu_count()} cores"
    )
    for name, check, rows in blocks:
        print()
        print(render_text(name, check, rows))
    if args.markdown:
        print()
        print(render_markdown(blocks))
    different = any("different" in check for _, check, _ in blocks)
    return 1 if different else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.compare", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="Seconds of load per server and operation."
    )
    parser.add_argument("--concurrency", type=int, default=10, help="Keep-alive connections.")
    parser.add_argument(
        "--rounds", type=int, default=5, help="Interleaved slices the seconds are cut into."
    )
    parser.add_argument(
        "--cold-rounds", type=int, default=3, help="Fresh starts measuring first requests."
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="Passed to `ll2-gateway serve --workers` when it has that flag; else ignored.",
    )
    parser.add_argument("--skip-apollo", action="store_true", help="Measure the gateway only.")
    parser.add_argument(
        "--only",
        action="append",
        choices=list(OPERATIONS),
        metavar="OPERATION",
        help=f"Measure this operation only (repeatable): {', '.join(OPERATIONS)}.",
    )
    parser.add_argument(
        "--markdown", action="store_true", help="Also print one Markdown table (README)."
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.concurrency < 1 or args.rounds < 1 or args.cold_rounds < 0:
        parser.error("need --seconds > 0, --concurrency >= 1, --rounds >= 1, --cold-rounds >= 0")
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")

    servers = 1 if args.skip_apollo else 3
    budget = (
        len(args.only or OPERATIONS) * servers * (args.seconds + 2 * REQUEST_TIMEOUT + 5)
        + (args.cold_rounds + 1) * (START_TIMEOUT + 60)
        + 600
    )

    async def bounded(procs: Processes) -> int:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        try:
            return await asyncio.wait_for(run(args, procs), budget)
        finally:
            loop.remove_signal_handler(signal.SIGTERM)

    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        procs = Processes(Path(tmp))
        try:
            return asyncio.run(bounded(procs))
        except KeyboardInterrupt:
            print("bench.compare: interrupted", file=sys.stderr)
            return 130
        except asyncio.CancelledError:
            print("bench.compare: stopped", file=sys.stderr)
            return 143
        except TimeoutError:
            print(f"bench.compare: gave up after {budget:.0f} s", file=sys.stderr)
            return 1
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"bench.compare: {exc}", file=sys.stderr)
            return 1
        finally:
            procs.stop_all()


if __name__ == "__main__":
    raise SystemExit(main())
