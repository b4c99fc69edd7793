"""The aiohttp application: ``/graphql``, ``/healthz`` and the upstream's lifecycle."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from gateway.schema import schema
from gateway.server.state import APP_STATE, AppState
from gateway.server.view import GatewayView
from gateway.settings import Settings
from gateway.upstream.client import LL2Client

__all__ = ["APP_STATE", "AppState", "create_app"]

log = logging.getLogger("gateway.server")


async def _upstream(app: web.Application) -> AsyncIterator[None]:
    """Own the LL2 client (and the offline upstream when it is the default)."""
    state = app[APP_STATE]
    settings = state.settings
    if settings.upstream:
        state.upstream_url = settings.upstream
    else:
        from gateway.offline import start_offline_upstream

        state.offline = await start_offline_upstream(latency=settings.offline_latency)
        state.upstream_url = state.offline.url
    state.client_ = LL2Client(
        state.upstream_url,
        api_key=settings.api_key,
        timeout=settings.upstream_timeout,
        connect_timeout=settings.upstream_connect_timeout,
        max_connections=settings.upstream_connections,
    )
    try:
        yield
    finally:
        await state.client_.aclose()
        state.client_ = None
        if state.offline is not None:
            await state.offline.close()
            state.offline = None


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "upstream": request.app[APP_STATE].upstream_url})


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or Settings.from_env()
    app = web.Application()
    state = AppState(settings)
    app[APP_STATE] = state
    app.cleanup_ctx.append(_upstream)
    view = GatewayView(schema, graphql_ide="graphiql" if settings.graphiql else None, state=state)
    app.router.add_route("*", "/graphql", view)
    app.router.add_get("/healthz", _healthz)
    return app
