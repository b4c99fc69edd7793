"""The aiohttp application: ``/graphql``, ``/healthz``, ``/readyz``, ``/metrics`` and the
upstream's lifecycle."""

from __future__ import annotations

import gc

from aiohttp import web

from gateway.extensions.limits import max_body_bytes
from gateway.schema import schema
from gateway.server.bodies import body_middleware
from gateway.server.compression import compression_middleware
from gateway.server.cors import cors_middleware
from gateway.server.graphiql.page import ASSETS_PATH, GraphiQLPage
from gateway.server.health import READINESS, Readiness, readiness_context, readyz
from gateway.server.lifecycle import upstream_context
from gateway.server.live import LiveServer
from gateway.server.metrics import METRICS, Metrics, metrics_context, metrics_handler
from gateway.server.observe import observe_middleware
from gateway.server.persisted import PersistedDocuments, persisted_context
from gateway.server.state import APP_STATE, AppState
from gateway.server.tracing import tracing_context
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
    metrics = Metrics(settings) if settings.metrics else None
    app = web.Application(
        middlewares=[
            observe_middleware(settings, metrics),
            cors_middleware(settings.cors_origins),
            compression_middleware(),
            body_middleware(settings.body_timeout, max_body_bytes(settings)),
        ],
        client_max_size=max_body_bytes(settings),
    )
    state = AppState(settings)
    app[APP_STATE] = state
    app[READINESS] = Readiness(state)
    documents = PersistedDocuments.from_settings(settings)  # a bad manifest stops the start
    app.cleanup_ctx.append(tracing_context)
    app.cleanup_ctx.append(upstream_context)
    app.cleanup_ctx.append(persisted_context(documents, settings))
    live = LiveServer(state)
    app.cleanup_ctx.append(live.cleanup_ctx)  # the live hub polls through the upstream
    app.on_shutdown.append(live.on_shutdown)
    app.cleanup_ctx.append(readiness_context)
    if metrics is not None:
        app[METRICS] = metrics
        app.cleanup_ctx.append(metrics_context)  # after the upstream context: it observes it
        app.router.add_get("/metrics", metrics_handler)
    app.on_startup.append(_freeze)  # after the upstream context: its snapshot is loaded
    graphiql = GraphiQLPage() if settings.graphiql else None
    view = GatewayView(
        schema,
        graphql_ide="graphiql" if graphiql else None,
        state=state,
        documents=documents,
        graphiql=graphiql,
        live=live,
    )
    app.router.add_route("*", "/graphql", view)
    if graphiql is not None:
        graphiql.warn_if_online()
        app.router.add_get(f"/{ASSETS_PATH}{{path:.+}}", graphiql.asset)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", readyz)
    return app
