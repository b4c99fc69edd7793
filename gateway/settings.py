"""Every setting of the gateway, each a command-line flag with an environment twin."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

__all__ = ["LIVE_UPSTREAM", "UPSTREAM_VERSIONS", "Settings", "version_in_url"]

LIVE_UPSTREAM = "https://ll.thespacedevs.com/2.3.0/"
#: The LL2 API versions the gateway can sit on (``gateway.upstream.versions``).
UPSTREAM_VERSIONS = ("2.0.0", "2.2.0", "2.3.0")
DEFAULT_UPSTREAM_VERSION = "2.3.0"

_VERSION_SEGMENT = re.compile(r"/(\d+\.\d+\.\d+)(?:/|$)")


def version_in_url(url: str | None) -> str | None:
    """The LL2 version a base URL's path names (``.../2.2.0/`` -> ``2.2.0``), if any."""
    if not url:
        return None
    found = _VERSION_SEGMENT.findall(urlsplit(url).path)
    return found[-1] if found else None


#: Settings that must be above zero.
_POSITIVE = (
    "max_connections",
    "header_timeout",
    "body_timeout",
    "keepalive_timeout",
    "redis_timeout",
    "redis_cooldown",
)


def _setting(env: str, help: str, default: Any = None, **argparse: Any) -> Any:
    return field(default=default, metadata={"env": env, "help": help, "argparse": argparse})


@dataclass(frozen=True)
class Settings:
    host: str = _setting("GATEWAY_HOST", "Interface to listen on.", "127.0.0.1")
    port: int = _setting("GATEWAY_PORT", "Port to listen on.", 8000)
    workers: str = _setting(
        "GATEWAY_WORKERS",
        "Processes serving the port together (SO_REUSEPORT); `auto`: one per core. With "
        "the in-memory cache each has its own cache and 1/N of the LL2 budget; with Redis "
        "they share both.",
        "1",
    )
    max_connections: int = _setting(
        "GATEWAY_MAX_CONNECTIONS",
        "Most client connections open at once, lowered to fit the file limit (ulimit -n) "
        "with room for LL2 and Redis. At the cap a new connection closes the oldest idle one, "
        "or is refused at once with 503 when none is idle.",
        1000,
    )
    header_timeout: float = _setting(
        "GATEWAY_HEADER_TIMEOUT",
        "Seconds a client may take to send a request's line and headers, from connecting or "
        "from its first byte after an idle keep-alive; then the connection is closed (with "
        "408 if part of a request came).",
        5.0,
    )
    body_timeout: float = _setting(
        "GATEWAY_BODY_TIMEOUT",
        "Seconds a client may take to send a request's body once its headers came; then the "
        "answer is 408 REQUEST_TIMEOUT.",
        10.0,
    )
    keepalive_timeout: float = _setting(
        "GATEWAY_KEEPALIVE_TIMEOUT", "Seconds an idle keep-alive connection stays open.", 15.0
    )
    upstream: str | None = _setting(
        "LL2_UPSTREAM",
        f"LL2 base URL, e.g. {LIVE_UPSTREAM} for live data. "
        "Default: the bundled offline snapshot, served in-process.",
    )
    upstream_version: str | None = _setting(
        "LL2_UPSTREAM_VERSION",
        'LL2 API version the upstream speaks: 2.0.0, 2.2.0 or 2.3.0 (see "Older LL2 '
        "versions\"). Default: the version the upstream URL's path names (.../2.2.0/), "
        "else 2.3.0.",
    )
    api_key: str | None = _setting(
        "LL2_API_KEY",
        "LL2 API key, sent as `Authorization: Token <key>` (prefer the environment "
        "variable: flags show in process lists). Never logged.",
    )
    upstream_timeout: float = _setting(
        "GATEWAY_UPSTREAM_TIMEOUT", "Seconds to wait for one LL2 response.", 10.0
    )
    upstream_connect_timeout: float = _setting(
        "GATEWAY_UPSTREAM_CONNECT_TIMEOUT", "Seconds to wait for a connection to LL2.", 3.0
    )
    upstream_connections: int = _setting(
        "GATEWAY_UPSTREAM_CONNECTIONS", "Most concurrent calls (and connections) to LL2.", 20
    )
    upstream_retries: int = _setting(
        "GATEWAY_UPSTREAM_RETRIES",
        "Retries of a call that failed to connect or got 502/503/504, with jittered "
        "backoff, within the request's deadline.",
        2,
    )
    upstream_backoff: float = _setting(
        "GATEWAY_UPSTREAM_BACKOFF", "Seconds before the first retry; doubles each time.", 0.2
    )
    breaker_threshold: int = _setting(
        "GATEWAY_BREAKER_THRESHOLD",
        "Consecutive LL2 failures that open the circuit breaker (calls then fail fast and "
        "the cache answers).",
        5,
    )
    breaker_cooldown: float = _setting(
        "GATEWAY_BREAKER_COOLDOWN", "Seconds the breaker stays open before trying LL2 again.", 30.0
    )
    stale_deadline: float = _setting(
        "GATEWAY_STALE_DEADLINE",
        "Seconds to wait for LL2 when an expired copy is at hand; then the expired copy "
        "answers (listed in `extensions.upstream.stale`) and the refresh goes on in the "
        "background.",
        1.0,
    )
    offline_latency: float = _setting(
        "GATEWAY_OFFLINE_LATENCY",
        "Seconds the offline upstream waits before each answer (to feel like LL2).",
        0.0,
    )
    cache: str = _setting(
        "GATEWAY_CACHE_URL",
        "Cross-request cache: `memory` (in-process LRU) or a Redis URL "
        "(redis://host:6379/0) shared by every gateway instance.",
        "memory",
    )
    cache_namespace: str = _setting(
        "GATEWAY_CACHE_NAMESPACE",
        "Prefix of the gateway's Redis keys (cache and shared budget); instances with the "
        "same namespace and upstream share both.",
        "ll2gw:",
    )
    response_cache: bool = _setting(
        "GATEWAY_RESPONSE_CACHE",
        "Keep whole answers of operations asked again while the LL2 data they read is "
        "fresh, in the cache above (true/false).",
        True,
    )
    cache_max_bytes: int = _setting(
        "GATEWAY_CACHE_MAX_BYTES",
        "Size bound of the in-memory cache, in bytes; with Redis, of the in-process tier in "
        "front of it (which keeps answering when Redis is lost).",
        64 * 1024 * 1024,
    )
    redis_timeout: float = _setting(
        "GATEWAY_REDIS_TIMEOUT",
        "Seconds to wait for Redis to connect or reply; past it Redis counts as down.",
        0.25,
    )
    redis_cooldown: float = _setting(
        "GATEWAY_REDIS_COOLDOWN",
        "Seconds a failed Redis is left alone (the in-process tier and a local budget serve "
        "meanwhile) before one request tries it again.",
        5.0,
    )
    upstream_rate: float | None = _setting(
        "GATEWAY_UPSTREAM_RATE",
        "LL2 calls allowed per hour (a token bucket, shared through Redis when the cache "
        "is Redis). Default: the quota LL2's /api-throttle/ reports at start, else 15.",
    )
    max_depth: int = _setting(
        "GATEWAY_MAX_DEPTH", "Deepest field nesting an operation may have.", 15
    )
    max_aliases: int = _setting("GATEWAY_MAX_ALIASES", "Most aliases in one operation.", 30)
    max_tokens: int = _setting("GATEWAY_MAX_TOKENS", "Most lexical tokens in one document.", 3000)
    max_query_bytes: int = _setting(
        "GATEWAY_MAX_QUERY_BYTES", "Largest GraphQL document, in bytes.", 32 * 1024
    )
    max_cost: int = _setting(
        "GATEWAY_MAX_COST",
        "Largest estimated cost: `first` multiplied along nested lists plus planned LL2 calls.",
        20000,
    )
    introspection: bool = _setting(
        "GATEWAY_INTROSPECTION", "Answer introspection queries (true/false).", True
    )
    cors_origins: str = _setting(
        "GATEWAY_CORS_ORIGINS", "Comma-separated origins allowed by CORS (`*` for any).", ""
    )
    request_timeout: float = _setting(
        "GATEWAY_REQUEST_TIMEOUT", "Seconds one GraphQL request may take in all.", 30.0
    )
    graphiql: bool = _setting(
        "GATEWAY_GRAPHIQL", "Serve GraphiQL to browsers at /graphql (true/false).", True
    )
    log_level: str = _setting("GATEWAY_LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR.", "INFO")
    log_format: str = _setting(
        "GATEWAY_LOG_FORMAT",
        "`text`, or `json`: every log line a JSON object, plus one access line per request "
        "(request id, operation, status, duration, LL2 calls, cache hits, error codes).",
        "text",
    )
    metrics: bool = _setting(
        "GATEWAY_METRICS", "Serve Prometheus metrics at /metrics (true/false).", True
    )
    metrics_operations: int = _setting(
        "GATEWAY_METRICS_OPERATIONS",
        "Distinct operation names /metrics labels; later names count as `other`.",
        100,
    )
    otel: bool = _setting(
        "GATEWAY_OTEL",
        "Trace with OpenTelemetry (needs `pip install '.[otel]'`): spans per request, "
        "loader batch and LL2 call, sent where the standard OTEL_* variables say "
        "(OTLP/HTTP by default).",
        False,
    )
    apq: bool = _setting(
        "GATEWAY_APQ",
        "Automatic persisted queries (Apollo's protocol): a client may send the SHA-256 "
        "of a document it registered before instead of the document (true/false).",
        True,
    )
    persisted_documents: str | None = _setting(
        "GATEWAY_PERSISTED_DOCUMENTS",
        "Path of a persisted-query manifest read at start (Apollo's "
        "persisted-query-manifest.json or Relay's {id: text} JSON): clients may send "
        "these documents by id.",
    )
    persisted_only: bool = _setting(
        "GATEWAY_PERSISTED_ONLY",
        "Trusted documents: run only the documents of `--persisted-documents` (by id or "
        "by text), refuse anything else (true/false).",
        False,
    )
    max_batch: int = _setting(
        "GATEWAY_MAX_BATCH",
        "Most operations in one batched POST (a JSON array); each is limited as if it came "
        "alone and their costs together stay under `--max-cost`. 0 turns batching off.",
        10,
    )
    live_interval: float = _setting(
        "GATEWAY_LIVE_INTERVAL",
        "Shortest interval, in seconds, between two polls of one LL2 object a subscription "
        'watches (see "Live data").',
        300.0,
    )
    live_max_interval: float = _setting(
        "GATEWAY_LIVE_MAX_INTERVAL",
        "Longest interval between two polls of a watched object; a subscription to a new "
        "object that the budget could not poll this often is refused (LIVE_BUDGET_EXCEEDED).",
        3600.0,
    )
    live_budget_share: float = _setting(
        "GATEWAY_LIVE_BUDGET_SHARE",
        "Share of the hourly LL2 budget that polling for subscriptions may spend (0 to 1).",
        0.5,
    )
    ws_max_connections: int = _setting(
        "GATEWAY_WS_MAX_CONNECTIONS",
        "Most WebSocket connections open at once per process; one more is closed with 1013.",
        1000,
    )
    ws_max_subscriptions: int = _setting(
        "GATEWAY_WS_MAX_SUBSCRIPTIONS",
        "Most operations running at once on one WebSocket connection; one more gets an error "
        "(TOO_MANY_SUBSCRIPTIONS).",
        20,
    )
    ws_init_timeout: float = _setting(
        "GATEWAY_WS_INIT_TIMEOUT",
        "Seconds a WebSocket client has to send connection_init (else closed with 4408).",
        10.0,
    )
    ws_ping_interval: float = _setting(
        "GATEWAY_WS_PING_INTERVAL",
        "Seconds between WebSocket pings; a peer that does not answer one in time is disconnected.",
        20.0,
    )

    def __post_init__(self) -> None:
        for name in _POSITIVE:
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be above 0, got {getattr(self, name)!r}")
        if self.log_format not in ("text", "json"):
            raise ValueError(f"log_format must be text or json, got {self.log_format!r}")
        if self.metrics_operations < 0:
            raise ValueError("metrics_operations must be 0 or more")
        if not 0 < self.live_budget_share <= 1:
            raise ValueError(f"live_budget_share must be in (0, 1], got {self.live_budget_share}")
        if not 0 < self.live_interval <= self.live_max_interval:
            raise ValueError(
                "live_interval must be above 0 and at most live_max_interval, got "
                f"{self.live_interval} and {self.live_max_interval}"
            )
        if self.workers != "auto" and not (self.workers.isdigit() and int(self.workers) >= 1):
            raise ValueError(
                f"workers must be a whole number from 1, or auto; got {self.workers!r}"
            )
        if self.persisted_only and not self.persisted_documents:
            raise ValueError("persisted_only needs persisted_documents: the manifest to allow")
        if self.max_batch < 0:
            raise ValueError(f"max_batch must be 0 or more, got {self.max_batch}")
        named = version_in_url(self.upstream)
        if self.upstream_version is not None:
            if self.upstream_version not in UPSTREAM_VERSIONS:
                raise ValueError(
                    f"upstream_version must be one of {', '.join(UPSTREAM_VERSIONS)}, "
                    f"got {self.upstream_version!r}"
                )
            if named is not None and named != self.upstream_version:
                raise ValueError(
                    f"upstream_version is {self.upstream_version} but the upstream URL's "
                    f"path names LL2 {named}"
                )
        elif named is not None and named not in UPSTREAM_VERSIONS:
            raise ValueError(
                f"the upstream URL's path names LL2 {named}; the gateway speaks "
                f"{', '.join(UPSTREAM_VERSIONS)}"
            )

    @property
    def worker_count(self) -> int:
        """How many processes serve: ``workers``, ``auto`` being one per core."""
        if self.workers == "auto":
            return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        return int(self.workers)

    @property
    def ll2_version(self) -> str:
        """The LL2 version of the upstream: ``upstream_version``, else the one the
        upstream URL names, else 2.3.0."""
        return self.upstream_version or version_in_url(self.upstream) or DEFAULT_UPSTREAM_VERSION

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        if shown["api_key"]:
            shown["api_key"] = "***"
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, overridden by the environment, overridden by ``overrides``."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is not None and raw != "":
                values[f.name] = parse_value(f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def parse_value(type_name: Any, raw: str) -> Any:
    """Turn an environment string into the setting's type."""
    kind = str(type_name)
    if kind.startswith("bool"):
        if raw.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if raw.strip().lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"expected true or false, got {raw!r}")
    if kind.startswith("int"):
        return int(raw)
    if kind.startswith("float"):
        return float(raw)
    return raw
