"""The offline LL2 upstream as an aiohttp application.

Routes come from the specs, one per version: every list endpoint
(``/2.3.0/spacecraft/``, ``/2.2.0/spacecraft/flight/``), its detail route, the
``api-throttle/`` route and the API root of each version; plus the ``/_offline/*``
control routes.  A path without its trailing slash is redirected (301) to the slashed
one, as Django's ``APPEND_SLASH`` does.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.web_middlewares import normalize_path_middleware

from gateway.ll2.spec import ApiSpec, load_spec

from . import control
from .faults import Faults
from .handlers import make_handler, make_root_handler
from .keys import UPSTREAM
from .middleware import drf_errors, ll2_calls
from .snapshot import Snapshot, load_snapshot
from .state import OfflineUpstream

__all__ = ["create_app"]


def add_ll2_routes(app: web.Application, spec: ApiSpec) -> None:
    version = spec.version
    prefix = f"/{version}/"
    app.router.add_get(prefix, make_root_handler(version), allow_head=False)
    # route names stay unique: 2.3.0's as they were, older ones qualified (v2_2_0:...)
    qualifier = "" if version == app[UPSTREAM].spec.version else f"v{version.replace('.', '_')}:"
    # list routes first: ``spacecraft/flight/`` must not be read as ``spacecraft/{id}/``
    for endpoint in sorted(spec.endpoints.values(), key=lambda e: e.kind == "detail"):
        app.router.add_get(
            prefix + endpoint.path,
            make_handler(endpoint, version),
            name=qualifier + endpoint.operation,
            allow_head=False,
        )


def create_app(
    snapshot: Snapshot | None = None,
    *,
    latency: float = 0.0,
    request_limit: int | None = None,
    faults: Faults | None = None,
    spec: ApiSpec | None = None,
) -> web.Application:
    """An app serving ``snapshot`` (default: the packaged one) as LL2 2.3.0, and below
    ``/2.0.0/`` and ``/2.2.0/`` as those versions did.

    Its :class:`OfflineUpstream` state is ``app[UPSTREAM]``.
    """
    spec = spec if spec is not None else load_spec()
    state = OfflineUpstream(
        snapshot if snapshot is not None else load_snapshot(),
        spec,
        latency=latency,
        request_limit=request_limit,
        faults=faults,
    )
    app = web.Application(
        middlewares=[
            normalize_path_middleware(append_slash=True, redirect_class=web.HTTPMovedPermanently),
            ll2_calls,
            drf_errors,
        ]
    )
    app[UPSTREAM] = state
    for view in state.versions.values():
        add_ll2_routes(app, view.spec)
    app.router.add_routes(control.routes)
    return app
