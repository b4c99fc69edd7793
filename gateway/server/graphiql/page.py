"""GraphiQL that works with no internet: the gateway serves the page's assets itself.

Strawberry's GraphiQL page loads seven files from unpkg.com, each with an SRI
hash.  Where ``fetch.py`` has put the same files in ``static/`` (at build time,
from the npm registry, checked against pinned integrities), the page is rewritten
to load them from ``graphiql/assets/...`` beside ``/graphql``; a file missing or
not matching the page's hash stays on the CDN (the fallback), and the gateway
says so once at start.  The browser checks the SRI hashes in both cases.

Assets are immutable (their URL names their version): served with a year of
``Cache-Control``, read once per process and gzipped on first request.
"""

from __future__ import annotations

import gzip
import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from aiohttp import web
from strawberry.http.ides import get_graphql_ide_html

from gateway.server.compression import accepts_gzip
from gateway.server.graphiql.fetch import STATIC, sri
from gateway.server.http_cache import add_vary

__all__ = ["ASSETS_PATH", "GraphiQLPage"]

log = logging.getLogger("gateway.server")

#: Where the assets are served, relative to ``/graphql``'s folder.
ASSETS_PATH: Final = "graphiql/assets/"
_CDN: Final = "https://unpkg.com/"
_TAG = re.compile(r'(src|href)="https://unpkg\.com/([^"]+)"(\s+)integrity="([^"]+)"')


@dataclass(slots=True)
class _Asset:
    body: bytes
    content_type: str
    _gzipped: bytes | None = None

    @property
    def gzipped(self) -> bytes:
        """The body gzipped, made on first use (3.5 MB of JavaScript take a second)."""
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, 6, mtime=0)
        return self._gzipped


_LOADED: dict[tuple[Path, str, str], _Asset] = {}


def _load(static: Path, path: str, integrity: str) -> _Asset | None:
    """One asset, if present and matching its SRI hash; read once per process (a missing
    one is looked for again by the next app: it may have been fetched meanwhile)."""
    found = _LOADED.get((static, path, integrity))
    if found is not None:
        return found
    file = static / path
    if not file.is_file():
        return None
    body = file.read_bytes()
    if sri(body, integrity.partition("-")[0]) != integrity:
        log.warning("GraphiQL asset %s does not match its SRI hash: left to the CDN", path)
        return None
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    asset = _LOADED[static, path, integrity] = _Asset(body, content_type)
    return asset


class GraphiQLPage:
    """The page and the assets found locally."""

    def __init__(self, html: str | None = None, static: Path = STATIC) -> None:
        self.assets: dict[str, _Asset] = {}
        self.remote: list[str] = []

        def local(match: re.Match[str]) -> str:
            attribute, path, space, integrity = match.groups()
            asset = _load(static, path, integrity)
            if asset is None:
                self.remote.append(path)
                return match.group(0)
            self.assets[path] = asset
            return f'{attribute}="{ASSETS_PATH}{path}"{space}integrity="{integrity}"'

        self.html = _TAG.sub(local, html if html is not None else get_graphql_ide_html("graphiql"))

    @property
    def offline(self) -> bool:
        """Whether every asset is served locally (no CDN needed)."""
        return not self.remote

    def warn_if_online(self) -> None:
        if self.remote:
            log.warning(
                "GraphiQL loads %d of its assets from %s (run `python -m "
                "gateway.server.graphiql.fetch` to serve them locally): %s",
                len(self.remote),
                _CDN,
                ", ".join(self.remote),
            )

    async def asset(self, request: web.Request) -> web.Response:
        found = self.assets.get(request.match_info["path"])
        if found is None:
            raise web.HTTPNotFound()
        headers = {"Cache-Control": "public, max-age=31536000, immutable"}
        zipped = accepts_gzip(request.headers.get("Accept-Encoding", ""))
        if zipped:
            headers["Content-Encoding"] = "gzip"
        response = web.Response(
            body=found.gzipped if zipped else found.body,
            content_type=found.content_type,
            headers=headers,
        )
        add_vary(response.headers, "Accept-Encoding")
        return response
