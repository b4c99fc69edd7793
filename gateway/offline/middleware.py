"""The path every LL2 call takes: latency, faults, quota, the handler, the call log.

Kept out of the handlers so each handler only answers its endpoint, and so that every
answer — 200, 400, 404, 429 or an injected fault — is logged the same way.
"""

from __future__ import annotations

import asyncio
import logging

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler

from .faults import EARLY_KINDS, Fault
from .handlers import client_ident
from .keys import RENDERED_SCHEMA, UPSTREAM
from .responses import detail
from .state import LoggedRequest, OfflineUpstream

__all__ = ["drf_errors", "ll2_calls"]

log = logging.getLogger(__name__)

_HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>502 Bad Gateway</h1><p>injected non-JSON answer</p></body></html>"
)


@web.middleware
async def drf_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Router and server errors as DRF's JSON ``{"detail": ...}`` bodies."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if exc.status == 404:
            return detail("Not found.", 404)
        if exc.status == 405:
            allow = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
            return detail(f'Method "{request.method}" not allowed.', 405, headers=allow)
        return detail(exc.reason, exc.status)
    except (asyncio.CancelledError, ConnectionError):
        raise
    except Exception:
        log.exception("offline upstream failed on %s", request.path_qs)
        return detail("A server error occurred.", 500)


def _body_size(response: web.StreamResponse) -> int:
    if isinstance(response, web.Response) and isinstance(response.body, bytes):
        return len(response.body)
    return response.body_length


async def _early_answer(request: web.Request, fault: Fault) -> web.StreamResponse:
    if fault.kind == "drop":
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=499)  # never sent: the connection is gone
    if fault.kind == "non_json":
        return web.Response(body=_HTML_PAGE, status=fault.status or 200, content_type="text/html")
    status = fault.status or 503
    headers = {"Retry-After": "1"} if status in (429, 503) else None
    return detail(f"Injected fault: HTTP {status}.", status, headers=headers)


def _null_fields(state: OfflineUpstream, request: web.Request, fault: Fault) -> tuple[str, ...]:
    if fault.fields:
        return fault.fields
    schema = request.get(RENDERED_SCHEMA)
    version = state.version_of(request.path)
    if schema is None or version is None:
        return ()
    spec = state.versions[version].spec
    return tuple(f.name for f in spec.schemas[schema].fields if f.nullable)


async def _shape(
    request: web.Request, response: web.StreamResponse, fired: list[Fault], state: OfflineUpstream
) -> web.StreamResponse:
    """Apply the late faults (nulls, missing, cut, truncate) to a real answer."""
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return response
    body = response.body
    for fault in fired:
        if fault.kind in ("nulls", "missing") and response.status == 200:
            data = orjson.loads(body)
            names = _null_fields(state, request, fault)
            items = data["results"] if "results" in data and "count" in data else [data]
            for item in items:
                for name in names:
                    if name in item and fault.kind == "missing":
                        del item[name]
                    elif name in item:
                        item[name] = None
            body = orjson.dumps(data)
    for fault in fired:
        if fault.kind == "cut":
            return web.Response(
                body=body[: len(body) // 2], status=response.status, content_type="application/json"
            )
        if fault.kind == "truncate":
            stream = web.StreamResponse(status=response.status)
            stream.content_type = "application/json"
            stream.content_length = len(body)
            await stream.prepare(request)
            await stream.write(body[: len(body) // 2])
            if request.transport is not None:
                request.transport.abort()
            return stream
    if body is not response.body:
        response.body = body
    return response


@web.middleware
async def ll2_calls(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Latency, faults and quota for LL2 routes; every LL2 call is logged."""
    state = request.app[UPSTREAM]
    version = state.version_of(request.path)
    if version is None:
        return await handler(request)
    prefix = f"/{version}/"
    if state.latency > 0:
        await asyncio.sleep(state.latency)
    rel = request.path[len(prefix) :]
    if rel == "api-throttle/":
        return await handler(request)

    fired = state.faults.draw(rel) if state.faults else []
    delay = sum(f.delay for f in fired if f.kind == "latency")
    if delay > 0:
        await asyncio.sleep(delay)
    early = next((f for f in fired if f.kind in EARLY_KINDS), None)
    fault_name: str | None = early.kind if early else None
    if early is not None:
        response = await _early_answer(request, early)
    else:
        wait = state.throttle.hit(client_ident(request))
        if wait is not None:
            response = detail(
                f"Request was throttled. Expected available in {wait} seconds.",
                429,
                headers={"Retry-After": str(wait)},
            )
        else:
            response = await handler(request)
            late = [f for f in fired if f.kind != "latency"]
            if late:
                response = await _shape(request, response, late, state)
                fault_name = ",".join(f.kind for f in late)
            elif fired:
                fault_name = "latency"
    dropped = fault_name == "drop"
    state.record(
        LoggedRequest(
            method=request.method,
            path=request.path,
            query={k: v for k, v in request.query.items()},  # last value wins, as in Django
            status=0 if dropped else response.status,
            bytes=0 if dropped else _body_size(response),
            fault=fault_name,
        )
    )
    return response
