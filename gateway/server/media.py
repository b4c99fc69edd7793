"""The media type of an answer, chosen from the request's ``Accept`` (GraphQL over HTTP).

``application/graphql-response+json`` lets a client tell a request error (the
operation never ran: it did not parse, validate, fit the limits or coerce its
variables) from an answer by the status alone: 4xx, and no ``data`` entry.  Under
the older ``application/json`` every well-formed request gets 200, so clients that
only know it keep working.  A request without ``Accept``, or one that names
neither type (``*/*``, ``text/plain``), gets ``application/json``; a tie goes to
``application/graphql-response+json``, the spec's preference.
"""

from __future__ import annotations

import functools
from typing import Final

__all__ = ["GRAPHQL_RESPONSE", "JSON", "negotiate"]

GRAPHQL_RESPONSE: Final = "application/graphql-response+json"
JSON: Final = "application/json"


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0


@functools.lru_cache(maxsize=128)
def negotiate(accept: str | None) -> str:
    """The media type of the answer to a request with this ``Accept`` header."""
    if not accept:
        return JSON
    best, best_q = JSON, -1.0
    for item in accept.split(","):
        media, *params = item.split(";")
        media = media.strip().lower()
        if media == GRAPHQL_RESPONSE:
            q = _quality(params)
            if q > 0 and q >= best_q:
                best, best_q = GRAPHQL_RESPONSE, q
        elif media in (JSON, "application/*", "*/*"):
            q = _quality(params)
            if q > 0 and q > best_q:
                best, best_q = JSON, q
    return best
