"""``/readyz``: can this instance serve fresh data? Redis, LL2 and the breaker.

``/healthz`` says the process answers (liveness); ``/readyz`` says whether its
dependencies do: 200 when Redis (if the cache is Redis) answers a PING, LL2 answers
its ``/api-throttle/`` (free: it spends no call of the budget) and the circuit
breaker is not open; else 503.  The gateway still answers from its cache while
not ready, so an orchestrator that would rather serve cached data through an LL2
outage should route on ``/healthz`` and alert on ``/readyz``.

The probes' results are kept :data:`PROBE_TTL` seconds and one probe runs at a time,
so however often ``/readyz`` is asked, LL2 sees at most one request per interval
per process.  A change of readiness is logged once, not on every probe.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from gateway.errors import UpstreamError, UpstreamTimeout
from gateway.server.state import AppState

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["PROBE_TTL", "READINESS", "Readiness", "readiness_context", "readyz"]

log = logging.getLogger("gateway.server")

#: Seconds a probe's result is reused.
PROBE_TTL: Final = 5.0
#: Seconds a probe may take.
PROBE_TIMEOUT: Final = 2.0


@dataclass(frozen=True, slots=True)
class Probe:
    ok: bool
    detail: dict[str, Any]
    at: float


class Readiness:
    def __init__(self, state: AppState) -> None:
        self.state = state
        settings = state.settings
        self.redis_url = (
            settings.cache
            if settings.cache.startswith(("redis://", "rediss://", "unix://"))
            else None
        )
        self._redis: Redis | None = None
        self._lock = asyncio.Lock()
        self._ll2: Probe | None = None
        self._redis_probe: Probe | None = None
        self._was_ready: bool | None = None

    async def report(self) -> tuple[bool, dict[str, Any]]:
        """(ready, the JSON body)."""
        upstream = self.state.upstream_
        if upstream is None:
            return False, {"status": "starting"}
        async with self._lock:  # one probe at a time; the others reuse its result
            now = time.monotonic()
            if self._ll2 is None or now - self._ll2.at >= PROBE_TTL:
                self._ll2 = await self._probe_ll2()
            if self.redis_url is not None and (
                self._redis_probe is None or now - self._redis_probe.at >= PROBE_TTL
            ):
                self._redis_probe = await self._probe_redis()
        breaker = upstream.breaker.state
        checks: dict[str, Any] = {
            "ll2": self._ll2.detail,
            "redis": self._redis_probe.detail if self._redis_probe else {"used": False},
            "breaker": {"state": breaker, "ok": breaker != "open"},
        }
        if breaker != "closed":
            checks["breaker"]["seconds_until_retry"] = round(upstream.breaker.seconds_until_retry())
        ready = self._ll2.ok and breaker != "open"
        if self._redis_probe is not None:
            ready = ready and self._redis_probe.ok
        self._log_change(ready, checks)
        body: dict[str, Any] = {"status": "ready" if ready else "not ready", **checks}
        if self.state.worker:
            body["worker"] = self.state.worker
        return ready, body

    async def _probe_ll2(self) -> Probe:
        started = time.monotonic()
        detail: dict[str, Any]
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                response = await self.state.upstream.client.get("api-throttle/")
        except TimeoutError:
            detail = {"ok": False, "error": UpstreamTimeout.code}
        except UpstreamError as exc:
            status = exc.extensions.get("status")
            # An HTTP answer under 500 (a 429 included) means LL2 is there.
            reachable = exc.code == "UPSTREAM_RATE_LIMITED" or (
                isinstance(status, int) and status < 500
            )
            detail = {"ok": reachable, "error": exc.code}
            if status is not None:
                detail["http_status"] = status
        else:
            detail = {"ok": True, "http_status": response.status}
        detail["ms"] = round((time.monotonic() - started) * 1000, 1)
        return Probe(bool(detail["ok"]), detail, time.monotonic())

    async def _probe_redis(self) -> Probe:
        assert self.redis_url is not None
        try:
            if self._redis is None:
                import redis.asyncio

                self._redis = redis.asyncio.Redis.from_url(
                    self.redis_url,
                    socket_connect_timeout=PROBE_TIMEOUT,
                    socket_timeout=PROBE_TIMEOUT,
                )
            async with asyncio.timeout(PROBE_TIMEOUT):
                await self._redis.ping()
        except Exception as exc:  # any failure, of any kind, means "not reachable"
            detail: dict[str, Any] = {"used": True, "ok": False, "error": type(exc).__name__}
        else:
            detail = {"used": True, "ok": True}
        return Probe(bool(detail["ok"]), detail, time.monotonic())

    def _log_change(self, ready: bool, checks: dict[str, Any]) -> None:
        if ready == self._was_ready:
            return
        if ready:
            log.info("ready: LL2, Redis and the breaker are fine")
        else:
            failing = sorted(name for name, check in checks.items() if check.get("ok") is False)
            log.warning("not ready: %s", ", ".join(failing))
        self._was_ready = ready

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None


READINESS: Final = web.AppKey("gateway_readiness", Readiness)


async def readiness_context(app: web.Application) -> AsyncIterator[None]:
    """Close the probes' Redis connection with the app."""
    try:
        yield
    finally:
        await app[READINESS].close()


async def readyz(request: web.Request) -> web.Response:
    ready, body = await request.app[READINESS].report()
    return web.json_response(body, status=200 if ready else 503)
