"""The only code that talks HTTP to LL2."""

from gateway.upstream.client import LL2Client, UpstreamResponse
from gateway.upstream.session import UpstreamSession

__all__ = ["LL2Client", "UpstreamResponse", "UpstreamSession"]
