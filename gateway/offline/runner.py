"""Serving the offline upstream: in-process on the running loop, or blocking (CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .keys import UPSTREAM
from .server import create_app
from .state import OfflineUpstream

__all__ = ["RunningUpstream", "run", "start_offline_upstream"]


@dataclass(slots=True)
class RunningUpstream:
    """A started emulator: ``url`` is the LL2 base, e.g. ``http://127.0.0.1:54321/2.3.0/``
    (or ``/2.2.0/``, ``/2.0.0/``: :func:`start_offline_upstream`'s ``version``)."""

    url: str
    host: str
    port: int
    app: web.Application
    runner: web.AppRunner

    @property
    def state(self) -> OfflineUpstream:
        return self.app[UPSTREAM]

    @property
    def origin(self) -> str:
        """``http://host:port`` (where ``/_offline/*`` lives)."""
        return f"http://{self.host}:{self.port}"

    async def close(self) -> None:
        await self.runner.cleanup()

    async def __aenter__(self) -> RunningUpstream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


async def start_offline_upstream(
    host: str = "127.0.0.1", port: int = 0, *, version: str | None = None, **options: Any
) -> RunningUpstream:
    """Start an emulator on the current event loop (port 0 = any free port).

    It serves every LL2 version; ``version`` (default 2.3.0) picks the one ``url`` is the
    base of (``http://127.0.0.1:54321/2.2.0/``).  ``options`` are those of
    :func:`create_app` (``snapshot``, ``latency``, ``request_limit``, ``faults``, ``spec``).
    """
    app = create_app(**options)
    version = version or app[UPSTREAM].spec.version
    if version not in app[UPSTREAM].versions:
        known = ", ".join(sorted(app[UPSTREAM].versions))
        raise ValueError(f"the offline upstream serves LL2 {known}, not {version!r}")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
    except BaseException:
        await runner.cleanup()
        raise
    url_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    return RunningUpstream(
        url=f"http://{url_host}:{bound_port}/{version}/",
        host=url_host,
        port=bound_port,
        app=app,
        runner=runner,
    )


def run(host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
    """Serve until interrupted (``ll2-gateway upstream --port N``); the caller announces."""
    web.run_app(create_app(**options), host=host, port=port, access_log=None, print=None)
