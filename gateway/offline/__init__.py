"""An offline Launch Library 2 (2.3.0) REST upstream, served from a bundled snapshot.

It answers like LL2 does (Django REST Framework + django-filter): list envelopes with
limit/offset pagination, ``mode`` serializers, documented filters, search and ordering,
404/400/429 bodies, ``/api-throttle/``; plus a call log, a per-hour quota, latency and
injectable faults, so the gateway can be developed and tested without the network.
The same data is also served as LL2 2.0.0 and 2.2.0 did, below ``/2.0.0/`` and
``/2.2.0/`` (their paths and shapes: :mod:`gateway.offline.legacy`).

Public API::

    from gateway.offline import load_snapshot, create_app, start_offline_upstream, UPSTREAM

    snapshot = load_snapshot()                  # packaged data/snapshot.json.gz, cached
    app = create_app(snapshot, latency=0.05, request_limit=15)
    app[UPSTREAM].log                           # list[LoggedRequest]; .reset()

    upstream = await start_offline_upstream(port=0, request_limit=None)
    upstream.url                                # "http://127.0.0.1:54321/2.3.0/"
    await start_offline_upstream(version="2.2.0")   # .url ends in /2.2.0/
    upstream.state.faults.add("status", every=3, status=502)
    await upstream.close()

    run(host="127.0.0.1", port=8000)            # blocking, for ``ll2-gateway upstream``

Over HTTP, ``/_offline/log``, ``/_offline/reset``, ``/_offline/options`` and
``/_offline/faults`` (see :mod:`gateway.offline.control`) steer it from another process.
Filter, search and ordering semantics are documented in :mod:`gateway.offline.filters`
and :mod:`gateway.offline.query`; the fault kinds in :mod:`gateway.offline.faults`.
"""

from __future__ import annotations

from gateway.ll2.spec import ApiSpec, load_spec

from .faults import Fault, Faults
from .keys import UPSTREAM
from .runner import RunningUpstream, run, start_offline_upstream
from .server import create_app
from .snapshot import Snapshot, load_snapshot
from .state import LoggedRequest, OfflineUpstream

__all__ = [
    "UPSTREAM",
    "ApiSpec",
    "Fault",
    "Faults",
    "LoggedRequest",
    "OfflineUpstream",
    "RunningUpstream",
    "Snapshot",
    "create_app",
    "load_snapshot",
    "load_spec",
    "run",
    "start_offline_upstream",
]
