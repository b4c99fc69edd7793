"""Running the app on sockets: aiohttp's runner with the gateway's connections.

:class:`GatewayRunner` is :class:`aiohttp.web.AppRunner` whose connections are
:class:`~gateway.server.protocol.GatewayRequestHandler` (deadlines, a cap below the
file limit, JSON answers to malformed requests), and :func:`run_app` is
:func:`aiohttp.web.run_app` over it: it serves until SIGINT or SIGTERM, then stops
accepting and lets requests in flight finish.

The runner also quiets the event loop's report of a failed ``accept()`` (out of file
descriptors): asyncio logs each one at ERROR with a traceback and retries a second
later, a flood under a connection storm; it becomes one WARNING a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.web_runner import GracefulExit

from gateway.server.connections import (
    ConnectionGuard,
    connection_cap,
    file_limit,
    listen_backlog,
)
from gateway.server.protocol import GatewayServer
from gateway.server.state import APP_STATE
from gateway.throttled_log import ThrottledLog

__all__ = ["GatewayRunner", "quiet_accept_errors", "run_app"]

log = logging.getLogger("gateway.server")

_ACCEPT_FAILED = "socket.accept() out of system resource"

ExceptionHandler = Callable[[asyncio.AbstractEventLoop, dict[str, Any]], object]


def quiet_accept_errors(previous: ExceptionHandler | None, warn: ThrottledLog) -> ExceptionHandler:
    """A loop exception handler: failed ``accept()`` calls become a rare one-line
    WARNING; everything else goes to ``previous`` (or the loop's default)."""

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> object:
        """Quiet failed accepts; pass the rest on."""
        if str(context.get("message", "")).startswith(_ACCEPT_FAILED):
            warn.warning(
                "cannot accept connections: %s (at the file limit?); retrying",
                context.get("exception") or "out of resources",
            )
            return None
        if previous is not None:
            return previous(loop, context)
        loop.default_exception_handler(context)
        return None

    handle.quiets_accept_errors = True  # type: ignore[attr-defined]
    return handle


class GatewayRunner(web.AppRunner):
    """An :class:`aiohttp.web.AppRunner` for the gateway's app (see the module)."""

    def __init__(self, app: web.Application, *, backlog: int = 128, **kwargs: Any) -> None:
        """``backlog``: the listen backlog of the sites the runner will serve."""
        settings = app[APP_STATE].settings
        kwargs.setdefault("keepalive_timeout", settings.keepalive_timeout)
        super().__init__(app, **kwargs)
        self.backlog = backlog
        self._previous_handler: ExceptionHandler | None = None
        self._handler: ExceptionHandler | None = None

    async def _make_server(self) -> web.Server:
        made = await super()._make_server()
        settings = self.app[APP_STATE].settings
        limit = file_limit()
        cap = connection_cap(
            settings.max_connections,
            upstream_connections=settings.upstream_connections,
            backlog=self.backlog,
            limit=limit,
        )
        if cap < settings.max_connections:
            log.info("holding at most %d connections (file limit %s)", cap, limit)
        loop = asyncio.get_running_loop()
        previous = loop.get_exception_handler()
        if not getattr(previous, "quiets_accept_errors", False):  # one per loop is enough
            self._previous_handler = previous
            self._handler = quiet_accept_errors(previous, ThrottledLog(log))
            loop.set_exception_handler(self._handler)
        return GatewayServer(
            made.request_handler,
            request_factory=made.request_factory,
            handler_cancellation=made.handler_cancellation,
            loop=loop,
            guard=ConnectionGuard(cap),
            header_timeout=settings.header_timeout,
            **made._kwargs,
        )

    async def _cleanup_server(self) -> None:
        loop = asyncio.get_running_loop()
        if self._handler is not None and loop.get_exception_handler() is self._handler:
            loop.set_exception_handler(self._previous_handler)
        await super()._cleanup_server()


async def _serve(
    app: web.Application,
    host: str,
    port: int,
    backlog: int,
    reuse_port: bool,
    print: Callable[..., None] | None,
    runner_options: dict[str, Any],
) -> None:
    runner = GatewayRunner(app, handle_signals=True, backlog=backlog, **runner_options)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, backlog=backlog, reuse_port=reuse_port)
        await site.start()
        if print is not None:
            print(f"======== Running on {site.name} ========", flush=True)
        await asyncio.Future()  # until SIGINT or SIGTERM
    finally:
        await runner.cleanup()


def run_app(
    app: web.Application,
    *,
    host: str,
    port: int,
    backlog: int | None = None,
    reuse_port: bool = False,
    print: Callable[..., None] | None = None,
    **runner_options: Any,
) -> None:
    """Serve ``app`` until SIGINT or SIGTERM, as :func:`aiohttp.web.run_app` does;
    ``runner_options`` go to the runner (``shutdown_timeout``, ``access_log``...).
    ``backlog`` defaults to 128, less under a small file limit."""
    if backlog is None:
        backlog = listen_backlog(file_limit())
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    main = loop.create_task(
        _serve(app, host, port, backlog, reuse_port, print, dict(runner_options))
    )
    try:
        loop.run_until_complete(main)
    except (GracefulExit, KeyboardInterrupt):
        pass
    finally:
        try:
            if not main.done():  # cleanup: stop accepting, finish what is in flight
                main.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    loop.run_until_complete(main)
        finally:
            rest = asyncio.all_tasks(loop)
            for task in rest:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*rest, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
