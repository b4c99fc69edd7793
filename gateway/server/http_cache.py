"""HTTP caching of GET answers: ``Cache-Control``, ``ETag``, ``Vary`` and 304.

There are no mutations, so a GET is safe and its answer may be kept by browsers,
CDNs and proxies for as long as the LL2 data it read stays fresh (the request's
tally knows: :meth:`~gateway.upstream.tally.Tally.reusable_for`), the same
lifetime as the gateway's own response cache:

* an answer without errors: ``public, max-age=<seconds>``, or ``no-cache`` when it
  read nothing from LL2 (introspection, ``__typename``): a client may keep it but
  asks again, and the ETag turns that into a 304;
* errors, ``upstreamStatus``, data served stale, explain mode, POST: ``no-store``.

The ETag is weak and names the ``data`` (and the media type), not the bytes:
``extensions.upstream`` differs between a computed answer and a cached one while
the data is the same.  ``If-None-Match`` with it gets a bodiless 304.  Every GET
answer varies on ``Accept`` (media type, GraphiQL or JSON) and ``X-Explain``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from aiohttp import web
from multidict import CIMultiDict

__all__ = ["Validity", "add_vary", "apply_http_cache", "validity"]


@dataclass(frozen=True, slots=True)
class Validity:
    """How a successful GET answer may be reused."""

    etag: str
    #: Whole seconds it stays fresh; 0: revalidate every time.
    max_age: int


def validity(data_json: bytes, media_type: str, fresh_for: float) -> Validity:
    digest = hashlib.blake2b(data_json, digest_size=16)
    digest.update(media_type.encode())
    return Validity(f'W/"{digest.hexdigest()}"', max(0, int(fresh_for)))


def add_vary(headers: CIMultiDict[str], *names: str) -> None:
    """Add ``names`` to the ``Vary`` header, keeping what is there."""
    if "Vary" not in headers:
        headers["Vary"] = ", ".join(names)
        return
    present = [v.strip() for v in headers.get("Vary", "").split(",") if v.strip()]
    known = {v.lower() for v in present}
    present += [n for n in names if n.lower() not in known]
    headers["Vary"] = ", ".join(present)


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    opaque = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False


def apply_http_cache(
    request: web.Request, response: web.StreamResponse, valid: Validity | None
) -> web.StreamResponse:
    """Mark a ``/graphql`` answer for HTTP caches; a 304 when the client has it already.

    ``valid`` is None for an answer that must not be reused.
    """
    if request.method not in ("GET", "HEAD"):
        response.headers["Cache-Control"] = "no-store"
        return response
    add_vary(response.headers, "Accept", "X-Explain")
    if valid is None or response.status != 200:
        response.headers["Cache-Control"] = "no-store"
        return response
    control = f"public, max-age={valid.max_age}" if valid.max_age > 0 else "no-cache"
    response.headers["Cache-Control"] = control
    response.headers["ETag"] = valid.etag
    if _matches(request.headers.get("If-None-Match"), valid.etag):
        kept = {k: response.headers[k] for k in ("Cache-Control", "ETag", "Vary")}
        return web.Response(status=304, headers=kept)
    return response
