"""The aiohttp application: ``/graphql``, ``/healthz`` and the upstream's lifecycle."""

from __future__ import annotations

import gc

from aiohttp import web

from gateway.extensions.limits import max_body_bytes
from gateway.schema import schema
from gateway.server.cors import cors_middleware
from gateway.server.lifecycle import upstream_context
from gateway.server.live import LiveServer
from gateway.server.state import APP_STATE, AppState
from gateway.server.view import GatewayView
from gateway.settings import Settings
from gateway.upstream.client import redact_url

__all__ = ["APP_STATE", "AppState", "create_app"]


async def _healthz(request: web.Request) -> web.Response:
    state = request.app[APP_STATE]
    body: dict[str, object] = {"status": "ok", "upstream": redact_url(state.upstream_url or "")}
    if state.worker:
        body["worker"] = state.worker
    return web.json_response(body)


async def _freeze(app: web.Application) -> None:
    """Move everything start-up made (modules, schema, snapshot) out of the collector's
    sight: later collections then scan only what requests allocate."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or Settings.from_env()
    app = web.Application(
        middlewares=[cors_middleware(settings.cors_origins)],
        client_max_size=max_body_bytes(settings),
    )
    state = AppState(settings)
    app[APP_STATE] = state
    app.cleanup_ctx.append(upstream_context)
    live = LiveServer(state)
    app.cleanup_ctx.append(live.cleanup_ctx)  # the live hub polls through the upstream
    app.on_shutdown.append(live.on_shutdown)
    app.on_startup.append(_freeze)  # after the upstream context: its snapshot is loaded
    view = GatewayView(
        schema, graphql_ide="graphiql" if settings.graphiql else None, state=state, live=live
    )
    app.router.add_route("*", "/graphql", view)
    app.router.add_get("/healthz", _healthz)
    return app
