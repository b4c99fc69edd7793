"""The outermost middleware: request id, and what each request cost, told once.

Every answer, errors and 404s included, carries ``X-Request-ID``.  When the request
ends, its :class:`~gateway.server.observation.Observation` feeds the metrics (GraphQL
requests only), the access line (``--log-format json``) and the request's span
(``--otel``): one record per request, never per field.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from gateway import tracing
from gateway.server import request_id
from gateway.server.access_log import QUIET_PATHS, log_access
from gateway.server.metrics import ANONYMOUS, NO_OPERATION, Metrics
from gateway.server.observation import OBSERVATION, Observation, codes_in
from gateway.server.tracing import finish_request_span, request_span
from gateway.settings import Settings

__all__ = ["observe_middleware"]

log = logging.getLogger("gateway.server")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

GRAPHQL_PATH = "/graphql"
#: Longest operation name an access line shows.
_NAME_MAX = 200
#: Largest error body read for its codes.
_BODY_MAX = 64 * 1024


def _operation(seen: Observation) -> str:
    if not seen.operations:
        return NO_OPERATION
    names = ",".join(ANONYMOUS if name is None else name for name in seen.operations)
    return names[:_NAME_MAX]


def _codes(response: web.StreamResponse) -> list[str]:
    """Error codes of a small JSON error body the view built without executing."""
    if not isinstance(response, web.Response) or response.content_type != "application/json":
        return []
    body = response.body
    if not isinstance(body, bytes) or len(body) > _BODY_MAX:
        return []
    return codes_in(body)


def _internal_error(rid: str) -> web.Response:
    body = {
        "data": None,
        "errors": [
            {
                "message": f"Internal server error (request {rid}).",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": rid},
            }
        ],
    }
    return web.json_response(body, status=500)


def observe_middleware(settings: Settings, metrics: Metrics | None) -> Middleware:
    access = settings.log_format == "json"

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        rid = request_id.request_id(request.headers.get(request_id.HEADER))
        token = request_id.use(rid)
        seen = Observation(rid)
        request[OBSERVATION] = seen
        started = time.perf_counter()
        status = 500
        try:
            with request_span(request) as span:
                try:
                    try:
                        response = await handler(request)
                    except web.HTTPException as exc:  # aiohttp's own (an unknown path...)
                        exc.headers[request_id.HEADER] = rid
                        status = exc.status
                        raise
                    except Exception:
                        log.exception("unhandled error in request %s", rid)
                        response = _internal_error(rid)
                    status = response.status
                    response.headers[request_id.HEADER] = rid
                    if status >= 400 and not seen.codes:
                        seen.codes.extend(_codes(response))
                finally:
                    if tracing.active() is not None:
                        finish_request_span(span, status, seen)
            return response
        finally:
            seconds = time.perf_counter() - started
            path = request.path
            if metrics is not None and path == GRAPHQL_PATH:
                label = metrics.operation_label(seen.operations)
                metrics.request(label, status, seconds, seen.codes, seen.response_cache)
            if access and path not in QUIET_PATHS:
                log_access(request.method, path, status, seconds, seen, _operation(seen))
            request_id.reset(token)
            seen.context = None  # the request's objects need not wait for the collector

    return middleware
