"""The gateway's error model: every error a client sees carries ``extensions.code``.

Exception tree::

    GatewayError                 (code set per class)
    ├── BadUserInput             BAD_USER_INPUT: an argument the gateway refuses
    └── UpstreamError            an LL2 call failed; only fields that needed it are null
        ├── UpstreamTimeout      UPSTREAM_TIMEOUT
        ├── UpstreamUnavailable  UPSTREAM_UNAVAILABLE: connection failure or 5xx
        ├── UpstreamRateLimited  UPSTREAM_RATE_LIMITED: LL2 answered 429
        └── UpstreamBadResponse  UPSTREAM_BAD_RESPONSE: not JSON, or not the expected shape

Anything else raised while executing is a bug: the client sees
``INTERNAL_SERVER_ERROR`` with an id that is also in the log, never the message.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "BadUserInput",
    "GatewayError",
    "UpstreamBadResponse",
    "UpstreamError",
    "UpstreamRateLimited",
    "UpstreamTimeout",
    "UpstreamUnavailable",
]


class GatewayError(Exception):
    """An error whose message is safe to show to clients."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = {k: v for k, v in extensions.items() if v is not None}


class BadUserInput(GatewayError):
    code = "BAD_USER_INPUT"


class UpstreamError(GatewayError):
    code = "UPSTREAM_UNAVAILABLE"


class UpstreamTimeout(UpstreamError):
    code = "UPSTREAM_TIMEOUT"


class UpstreamUnavailable(UpstreamError):
    code = "UPSTREAM_UNAVAILABLE"


class UpstreamRateLimited(UpstreamError):
    code = "UPSTREAM_RATE_LIMITED"


class UpstreamBadResponse(UpstreamError):
    code = "UPSTREAM_BAD_RESPONSE"
