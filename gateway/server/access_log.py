"""Logging for ``--log-format``: text as before, or JSON lines with one access line per request.

In ``json`` mode every log line is one JSON object (``time``, ``level``, ``logger``,
``message``, and the ``request_id`` of the request it was written in), and each
request adds one line on the ``gateway.access`` logger: request id, method, path,
HTTP status, duration, operation, LL2 calls, cache hits, the response cache's
verdict and the error codes.  Probes and scrapes (``/healthz``, ``/readyz``,
``/metrics``) write none: they come every few seconds and say nothing new.

``text`` mode, the default, keeps the gateway's usual lines and writes no access
line: it is for a developer's terminal, where each answer's ``extensions.upstream``
already tells its cost; production logs want ``json``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, Final

import orjson

from gateway.server import request_id

if TYPE_CHECKING:
    from gateway.server.observation import Observation

__all__ = ["QUIET_PATHS", "JsonFormatter", "configure_logging", "log_access"]

access_log = logging.getLogger("gateway.access")

TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s %(message)s"
#: Paths that write no access line.
QUIET_PATHS: Final = frozenset({"/healthz", "/readyz", "/metrics"})


class JsonFormatter(logging.Formatter):
    """One JSON object per record; a record's ``access`` dict joins it as fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.current()
        if rid is not None:
            line["request_id"] = rid
        access = getattr(record, "access", None)
        if isinstance(access, dict):
            line.update(access)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def configure_logging(level: str, log_format: str) -> None:
    """The root logger's level and format, for this process."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)


def log_access(
    method: str, path: str, status: int, seconds: float, seen: Observation, operation: str
) -> None:
    """The request's access line (at INFO on ``gateway.access``)."""
    fields: dict[str, Any] = {
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
    }
    if seen.operations or path == "/graphql":
        fields["operation"] = operation
    context = seen.context
    if context is not None:
        tally = context.session.tally
        fields["ll2_calls"] = tally.requests
        fields["cache_hits"] = tally.cache_hits
        fields["coalesced"] = tally.coalesced
        if tally.stale:
            fields["stale"] = len(tally.stale)
    elif seen.response_cache:
        fields["ll2_calls"] = 0
        fields["cache_hits"] = 0
    if seen.response_cache is not None:
        fields["response_cache"] = "hit" if seen.response_cache else "miss"
    fields["errors"] = seen.codes
    access_log.info("%s %s %s", method, path, status, extra={"access": fields})
