"""``/_offline/*``: inspect and steer a running emulator from another process.

===========================  =====================================================
GET    /_offline/log         ``{"count": n, "throttle_checks": n, "requests": [...]}``
POST   /_offline/reset       forget calls, quota use and faults
GET    /_offline/options     ``{"latency": s, "request_limit": n|null}``
POST   /_offline/options     change some of them (same keys)
GET    /_offline/faults      the fault rules with their counters
POST   /_offline/faults      add one rule (object) or several (array)
PUT    /_offline/faults      replace all rules (array)
DELETE /_offline/faults      remove all rules
GET    /_offline/health      snapshot meta and record counts
POST   /_offline/records/    change one record: ``{resource}/{id}``, a JSON object
       {resource}/{id}       whose keys replace the record's (snapshot form); the
                             changed record, or 404
===========================  =====================================================

None of these are LL2 calls: they are neither logged, throttled nor delayed.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from .faults import Fault
from .keys import UPSTREAM
from .responses import detail, json_response

__all__ = ["routes"]

routes = web.RouteTableDef()


async def _json_body(request: web.Request) -> Any:
    raw = await request.read()
    if not raw.strip():
        return None
    return orjson.loads(raw)


@routes.get("/_offline/log")
async def get_log(request: web.Request) -> web.StreamResponse:
    state = request.app[UPSTREAM]
    return json_response(
        {
            "count": state.call_count,
            "throttle_checks": state.throttle_checks,
            "requests": [entry.to_json() for entry in state.log],
        }
    )


@routes.post("/_offline/reset")
async def post_reset(request: web.Request) -> web.StreamResponse:
    request.app[UPSTREAM].reset()
    return json_response({"reset": True})


@routes.get("/_offline/options")
async def get_options(request: web.Request) -> web.StreamResponse:
    return json_response(request.app[UPSTREAM].options())


@routes.post("/_offline/options")
async def post_options(request: web.Request) -> web.StreamResponse:
    state = request.app[UPSTREAM]
    try:
        body = await _json_body(request) or {}
        unknown = set(body) - {"latency", "request_limit"}
        if unknown:
            raise ValueError(f"unknown option(s): {sorted(unknown)}")
        if "latency" in body:
            state.latency = max(0.0, float(body["latency"]))
        if "request_limit" in body:
            limit = body["request_limit"]
            state.request_limit = None if limit is None else int(limit)
    except (ValueError, TypeError, AttributeError) as exc:
        return detail(str(exc), 400)
    return json_response(state.options())


@routes.get("/_offline/faults")
async def get_faults(request: web.Request) -> web.StreamResponse:
    return json_response(request.app[UPSTREAM].faults.to_json())


def _parse_faults(body: Any) -> list[Fault]:
    items = body if isinstance(body, list) else [body]
    return [Fault.from_json(item) for item in items]


@routes.post("/_offline/faults")
async def post_faults(request: web.Request) -> web.StreamResponse:
    faults = request.app[UPSTREAM].faults
    try:
        new = _parse_faults(await _json_body(request))
    except (ValueError, TypeError) as exc:
        return detail(str(exc), 400)
    faults.rules.extend(new)
    return json_response(faults.to_json(), status=201)


@routes.put("/_offline/faults")
async def put_faults(request: web.Request) -> web.StreamResponse:
    faults = request.app[UPSTREAM].faults
    try:
        body = await _json_body(request)
        faults.replace(_parse_faults(body) if body else [])
    except (ValueError, TypeError) as exc:
        return detail(str(exc), 400)
    return json_response(faults.to_json())


@routes.delete("/_offline/faults")
async def delete_faults(request: web.Request) -> web.StreamResponse:
    request.app[UPSTREAM].faults.clear()
    return json_response([])


@routes.get("/_offline/health")
async def get_health(request: web.Request) -> web.StreamResponse:
    state = request.app[UPSTREAM]
    snapshot = state.snapshot
    return json_response(
        {
            "ok": True,
            "version": state.spec.version,
            "meta": snapshot.meta,
            "records": {r: len(e) for r, e in snapshot.entities.items()},
        }
    )


@routes.post("/_offline/records/{resource}/{id}")
async def post_record(request: web.Request) -> web.StreamResponse:
    """Change one record, as LL2's data changes while a flight is under way."""
    state = request.app[UPSTREAM]
    resource, id_ = request.match_info["resource"], request.match_info["id"]
    try:
        patch = await _json_body(request)
    except orjson.JSONDecodeError as exc:
        return detail(f"not JSON: {exc}", 400)
    if not isinstance(patch, dict):
        return detail("the body must be a JSON object of the keys to change", 400)
    try:
        record = state.patch_record(resource, id_, patch)
    except KeyError:
        return detail("Not found.", 404)
    return json_response(record)
