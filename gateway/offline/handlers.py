"""Request handlers for the LL2 routes, one per endpoint in each version's spec.

A list answer runs filters, search, ordering and pagination over the snapshot records
(or, for ``config/*`` lists, over the inline values gathered from them) and renders the
page with the serializer of the requested mode; a detail answer renders one record
with the endpoint's detail serializer, whatever ``mode`` says.  Each handler renders
with its version's renderer (:attr:`OfflineUpstream.versions`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web

from gateway.ll2.spec import EndpointSpec

from .filters import FilterError, apply_filters, compile_filters
from .keys import RENDERED_SCHEMA, UPSTREAM
from .query import last_value, order, paginate, search
from .responses import detail, json_response
from .snapshot import Record
from .state import OfflineUpstream

__all__ = ["base_url", "client_ident", "make_handler", "make_root_handler", "throttle_handler"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def base_url(request: web.Request) -> str:
    """``scheme://host`` as the client addressed this server."""
    return f"{request.scheme}://{request.host}"


def client_ident(request: web.Request) -> str:
    return request.remote or "unknown"


def _mode_error(endpoint: EndpointSpec, mode: str) -> web.Response:
    modes = ", ".join(endpoint.modes)
    return detail(f"Invalid mode '{mode}'. Valid modes are: {modes}.", 400)


def _source(state: OfflineUpstream, endpoint: EndpointSpec) -> list[Record]:
    if endpoint.resource is not None:
        return state.snapshot.records(endpoint.resource)
    assert endpoint.schema is not None
    return state.catalog.items(endpoint.schema)


def make_list_handler(endpoint: EndpointSpec, version: str) -> Handler:
    async def handle_list(request: web.Request) -> web.StreamResponse:
        state = request.app[UPSTREAM]
        query = request.query
        mode = last_value(query, "mode") or None
        if endpoint.modes and mode is not None and mode not in endpoint.modes:
            return _mode_error(endpoint, mode)
        schema = endpoint.schema_for(mode if endpoint.modes else None)
        snapshot = state.snapshot
        try:
            predicates = compile_filters(endpoint, query, snapshot)
        except FilterError as exc:
            return json_response(exc.errors, status=400)
        records = apply_filters(_source(state, endpoint), predicates)
        records = search(records, last_value(query, "search"), endpoint.search, snapshot)
        records = order(
            records, last_value(query, "ordering"), endpoint.ordering, snapshot, endpoint.resource
        )
        base = base_url(request)
        page = paginate(records, query, base + request.raw_path)
        render = state.versions[version].renderer.render
        request[RENDERED_SCHEMA] = schema
        return json_response(
            {
                "count": page.count,
                "next": page.next,
                "previous": page.previous,
                "results": [render(r, schema, base) for r in page.items],
            }
        )

    handle_list.__name__ = f"list_{endpoint.operation}"
    return handle_list


def normalise_id(endpoint: EndpointSpec, raw: str) -> str | None:
    """The snapshot key for a path id, or None when it cannot name a record (404)."""
    if endpoint.id_type == "integer":
        return str(int(raw)) if raw.isascii() and raw.isdigit() else None
    if endpoint.id_type == "string(uuid)":
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            return None
    return raw


def make_detail_handler(endpoint: EndpointSpec, version: str) -> Handler:
    schema = endpoint.schema
    assert schema is not None

    async def handle_detail(request: web.Request) -> web.StreamResponse:
        state = request.app[UPSTREAM]
        key = normalise_id(endpoint, request.match_info["id"])
        record: Record | None = None
        if key is not None:
            if endpoint.resource is not None:
                record = state.snapshot.get(endpoint.resource, key)
            else:
                record = state.catalog.get(schema, key)
        if record is None:
            return detail("Not found.", 404)
        request[RENDERED_SCHEMA] = schema
        renderer = state.versions[version].renderer
        return json_response(renderer.render(record, schema, base_url(request)))

    handle_detail.__name__ = f"detail_{endpoint.operation}"
    return handle_detail


def make_handler(endpoint: EndpointSpec, version: str) -> Handler:
    if endpoint.kind == "list":
        return make_list_handler(endpoint, version)
    if endpoint.kind == "detail":
        return make_detail_handler(endpoint, version)
    return throttle_handler


async def throttle_handler(request: web.Request) -> web.StreamResponse:
    """``/api-throttle/``: the caller's quota; never counted against it."""
    state = request.app[UPSTREAM]
    state.throttle_checks += 1
    ident = client_ident(request)
    return json_response(state.throttle.status(ident).to_json(ident))


def make_root_handler(version: str) -> Handler:
    async def root_handler(request: web.Request) -> web.StreamResponse:
        """``/2.3.0/``: DRF's API root, list route name -> absolute URL."""
        spec = request.app[UPSTREAM].versions[version].spec
        prefix = f"{base_url(request)}/{version}/"
        return json_response(
            {
                ep.path.rstrip("/"): prefix + ep.path
                for ep in spec.endpoints.values()
                if ep.kind == "list"
            }
        )

    return root_handler
