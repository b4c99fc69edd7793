"""Prometheus metrics at ``/metrics``: requests, latency, LL2 calls, caches, budget, breaker.

Label values clients choose are bounded: the first ``--metrics-operations`` distinct
operation names (per process) are labels, later ones count as ``(other)``; error
codes and LL2 endpoints (ids replaced by ``{id}``) are capped the same way.

With ``--workers N`` the supervisor points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh
directory before starting the workers, so prometheus-client's multiprocess mode
adds up every worker's counters and histograms whichever worker answers the scrape.
The budget and breaker gauges are refreshed by each worker every few seconds: the
budget is summed over workers (the in-memory cache gives each its share) or the
latest value (Redis: one shared budget); breaker states count workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from gateway.server.state import APP_STATE
from gateway.settings import Settings
from gateway.upstream.fetcher import endpoint_template

if TYPE_CHECKING:
    from gateway.upstream.fetcher import Upstream

__all__ = [
    "METRICS",
    "MULTIPROCESS_ENV",
    "BoundedLabels",
    "Metrics",
    "metrics_context",
    "metrics_handler",
    "multiprocess_directory",
]

log = logging.getLogger("gateway.server")

MULTIPROCESS_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"
OTHER: Final = "(other)"
ANONYMOUS: Final = "(anonymous)"
#: A request that never got as far as an operation (a body that is not JSON...).
NO_OPERATION: Final = "(none)"
BATCH: Final = "(batch)"
#: Seconds between a worker's refreshes of the budget and breaker gauges.
REFRESH_EVERY: Final = 5.0
_BREAKER_STATES: Final = ("closed", "open", "half_open")
_NAME: Final = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")
_CODE: Final = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
_LATENCY_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class BoundedLabels:
    """The first ``limit`` distinct valid values pass; the rest become ``(other)``."""

    def __init__(self, limit: int, pattern: re.Pattern[str] | None = None) -> None:
        self.limit = limit
        self.pattern = pattern
        self._seen: set[str] = set()

    def __call__(self, value: str) -> str:
        if value in self._seen:
            return value
        if len(self._seen) >= self.limit or (
            self.pattern is not None and not self.pattern.fullmatch(value)
        ):
            return OTHER
        self._seen.add(value)
        return value


def _shared_budget(settings: Settings) -> bool:
    return settings.cache.startswith(("redis://", "rediss://", "unix://"))


class Metrics:
    """One process's metrics; also the fetcher's :class:`UpstreamObserver`."""

    def __init__(self, settings: Settings) -> None:
        self.multiprocess_dir = os.environ.get(MULTIPROCESS_ENV) or None
        self.registry = CollectorRegistry()
        r = self.registry
        self._operations = BoundedLabels(settings.metrics_operations, _NAME)
        self._codes = BoundedLabels(50, _CODE)
        self._endpoints = BoundedLabels(100)
        #: (operation, status) -> its request counter and latency histogram, labelled.
        self._children: dict[tuple[str, int], tuple[Any, Any]] = {}
        #: (endpoint, outcome) -> its call counter and latency histogram, labelled.
        self._call_children: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.requests = Counter(
            "ll2gw_requests",
            "GraphQL requests answered, by operation name and HTTP status.",
            ["operation", "status"],
            registry=r,
        )
        self.errors = Counter(
            "ll2gw_errors",
            "Errors in GraphQL answers, by operation name and extensions.code.",
            ["operation", "code"],
            registry=r,
        )
        self.latency = Histogram(
            "ll2gw_request_duration_seconds",
            "Time to answer a GraphQL request, by operation name.",
            ["operation"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.ll2_calls = Counter(
            "ll2gw_upstream_calls",
            "Calls LL2 received (retries included), by endpoint and HTTP status, or the "
            "error code when no status came back.",
            ["endpoint", "status"],
            registry=r,
        )
        self.ll2_latency = Histogram(
            "ll2gw_upstream_call_duration_seconds",
            "Time LL2 took to answer one call, by endpoint.",
            ["endpoint"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        cache = Counter(
            "ll2gw_cache_lookups",
            "Cache look-ups by tier (ll2: LL2 answers; response: whole answers) and result "
            "(a miss went on to LL2, or to execution).",
            ["tier", "result"],
            registry=r,
        )
        self._ll2_hit = cache.labels("ll2", "hit")
        self._ll2_miss = cache.labels("ll2", "miss")
        self._response_hit = cache.labels("response", "hit")
        self._response_miss = cache.labels("response", "miss")
        self._stale = Counter(
            "ll2gw_upstream_stale_served",
            "Expired LL2 answers served because the call that would renew them failed.",
            registry=r,
        )
        self.budget = Gauge(
            "ll2gw_upstream_budget_tokens",
            "LL2 calls the gateway's budget allows right now.",
            registry=r,
            multiprocess_mode="livemostrecent" if _shared_budget(settings) else "livesum",
        )
        self.budget_rate = Gauge(
            "ll2gw_upstream_budget_rate_per_hour",
            "LL2 calls the budget grants per hour.",
            registry=r,
            multiprocess_mode="livemostrecent" if _shared_budget(settings) else "livesum",
        )
        self.breaker = Gauge(
            "ll2gw_upstream_breaker_state",
            "The LL2 circuit breaker: 1 for its state (with --workers: workers in it).",
            ["state"],
            registry=r,
            multiprocess_mode="livesum",
        )

    # -- the fetcher's observer -------------------------------------------------------

    def cache_lookup(self, hit: bool) -> None:
        (self._ll2_hit if hit else self._ll2_miss).inc()

    def ll2_call(self, path: str, outcome: str, seconds: float) -> None:
        endpoint = self._endpoints(endpoint_template(path))
        children = self._call_children.get((endpoint, outcome))
        if children is None:  # bounded: endpoints are, and outcomes are few
            children = self._call_children[endpoint, outcome] = (
                self.ll2_calls.labels(endpoint, outcome),
                self.ll2_latency.labels(endpoint),
            )
        children[0].inc()
        children[1].observe(seconds)

    def served_stale(self) -> None:
        self._stale.inc()

    # -- requests -------------------------------------------------------------------

    def operation_label(self, operations: list[str | None]) -> str:
        if not operations:
            return NO_OPERATION
        if len(operations) > 1:
            return BATCH
        name = operations[0]
        return ANONYMOUS if name is None else self._operations(name)

    def request(
        self,
        operation: str,
        status: int,
        seconds: float,
        codes: list[str],
        response_cache: bool | None,
    ) -> None:
        children = self._children.get((operation, status))
        if children is None:  # bounded: operations are, and statuses are few
            children = self._children[operation, status] = (
                self.requests.labels(operation, str(status)),
                self.latency.labels(operation),
            )
        children[0].inc()
        children[1].observe(seconds)
        for code in codes:
            self.errors.labels(operation, self._codes(code)).inc()
        if response_cache is not None:
            (self._response_hit if response_cache else self._response_miss).inc()

    # -- the gauges read at scrape time ---------------------------------------------

    async def refresh(self, upstream: Upstream | None) -> None:
        """Read the budget and the breaker's state into their gauges."""
        if upstream is None:
            return
        self.budget.set(await upstream.quota.available())
        self.budget_rate.set(upstream.quota.rate_per_hour)
        state = upstream.breaker.state
        for name in _BREAKER_STATES:
            self.breaker.labels(name).set(1 if name == state else 0)

    def render(self) -> bytes:
        """The exposition: every worker's when in multiprocess mode, else this one's."""
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
        return generate_latest(registry)


METRICS: Final = web.AppKey("gateway_metrics", Metrics)


@contextlib.contextmanager
def multiprocess_directory() -> Iterator[None]:
    """Workers started inside share one metrics directory: a fresh one, removed after
    (unless ``PROMETHEUS_MULTIPROC_DIR`` names one already; it must then start empty)."""
    if os.environ.get(MULTIPROCESS_ENV):
        yield
        return
    path = tempfile.mkdtemp(prefix="ll2gw-metrics-")
    os.environ[MULTIPROCESS_ENV] = path
    try:
        yield
    finally:
        del os.environ[MULTIPROCESS_ENV]
        shutil.rmtree(path, ignore_errors=True)


async def metrics_handler(request: web.Request) -> web.Response:
    metrics = request.app[METRICS]
    await metrics.refresh(request.app[APP_STATE].upstream_)
    response = web.Response(body=metrics.render())
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


async def metrics_context(app: web.Application) -> AsyncIterator[None]:
    """Make the metrics the fetcher's observer (the upstream context, before this one,
    built it); in multiprocess mode, keep this worker's gauges current: the scrape
    may reach another worker, which cannot read this one's budget or breaker."""
    state = app[APP_STATE]
    metrics = app[METRICS]
    if state.upstream_ is not None:
        state.upstream_.observer = metrics
    if metrics.multiprocess_dir is None:
        yield
        return

    async def loop() -> None:
        while True:
            try:
                await metrics.refresh(state.upstream_)
            except Exception:  # a gauge is not worth a worker: try again later
                log.debug("metrics refresh failed", exc_info=True)
            await asyncio.sleep(REFRESH_EVERY)

    task = asyncio.ensure_future(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
