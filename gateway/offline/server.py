"""The offline LL2 2.3.0 upstream as an aiohttp application.

Routes come from the spec: every list endpoint (``/2.3.0/spacecraft/``), its detail
route (``/2.3.0/spacecraft/{id}/``), ``/2.3.0/api-throttle/`` and the API root; plus
the ``/_offline/*`` control routes.  A path without its trailing slash is redirected
(301) to the slashed one, as Django's ``APPEND_SLASH`` does.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.web_middlewares import normalize_path_middleware

from . import control
from .faults import Faults
from .handlers import make_handler, root_handler
from .keys import UPSTREAM
from .middleware import drf_errors, ll2_calls
from .snapshot import Snapshot, load_snapshot
from .spec import ApiSpec, load_spec
from .state import OfflineUpstream

__all__ = ["create_app"]


def add_ll2_routes(app: web.Application, spec: ApiSpec) -> None:
    prefix = f"/{spec.version}/"
    app.router.add_get(prefix, root_handler, allow_head=False)
    for endpoint in spec.endpoints.values():
        app.router.add_get(
            prefix + endpoint.path,
            make_handler(endpoint),
            name=endpoint.operation,
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
    """An app serving ``snapshot`` (default: the packaged one) as LL2 2.3.0.

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
    add_ll2_routes(app, spec)
    app.router.add_routes(control.routes)
    return app
