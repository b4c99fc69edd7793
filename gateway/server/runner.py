"""Serving the app: in this process, or in N worker processes sharing one port.

With ``--workers N`` the process that was started supervises N workers; each binds
the port with ``SO_REUSEPORT`` (the kernel spreads connections over them) and runs a
whole gateway.  SIGTERM or SIGINT to the supervisor reaches every worker, which stops
accepting and finishes the requests in flight; a worker that dies stops them all, so
whatever supervises the gateway (systemd, a container runtime) sees the failure.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import signal
import sys
from multiprocessing.process import BaseProcess
from types import FrameType

from aiohttp import web

from gateway.server.access_log import configure_logging
from gateway.server.app import create_app
from gateway.server.metrics import multiprocess_directory
from gateway.server.serving import run_app
from gateway.server.state import APP_STATE
from gateway.server.tracing import missing as tracing_missing
from gateway.settings import Settings
from gateway.upstream.client import redact_url

__all__ = ["serve"]

log = logging.getLogger("gateway.server")


def _configure_logging(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)


def run_worker(settings: Settings, index: int = 0) -> None:
    """Serve until SIGTERM or SIGINT; ``index`` is the worker's number (0: the only one)."""
    _configure_logging(settings)
    app = create_app(settings)
    app[APP_STATE].worker = index
    count = settings.worker_count

    async def announce(app: web.Application) -> None:
        state = app[APP_STATE]
        where = "the bundled offline snapshot" if state.offline else "LL2"
        worker = f" [worker {index}/{count}]" if count > 1 else ""
        print(
            f"ll2-gateway: GraphQL at http://{settings.host}:{settings.port}/graphql "
            f"(GraphiQL in a browser); upstream {redact_url(state.upstream_url or '')} "
            f"({where}){worker}",
            flush=True,
        )

    app.on_startup.append(announce)
    # SIGTERM and SIGINT stop accepting, then let in-flight requests finish.
    run_app(
        app,
        host=settings.host,
        port=settings.port,
        print=None,
        shutdown_timeout=settings.request_timeout,
        access_log=None,
        reuse_port=count > 1,
    )


def _supervise(settings: Settings, count: int) -> int:
    context = multiprocessing.get_context("spawn")
    workers: list[BaseProcess] = [
        context.Process(target=run_worker, args=(settings, i + 1), name=f"ll2-gateway-{i + 1}")
        for i in range(count)
    ]
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for worker in workers:
            if worker.is_alive() and worker.pid is not None:
                worker.terminate()  # SIGTERM: a graceful stop

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.start()
    failed = False
    while any(w.is_alive() for w in workers):
        for worker in workers:
            worker.join(0.2)
            if not worker.is_alive() and not stopping:
                log.error(
                    "worker %s exited with %s; stopping the others", worker.name, worker.exitcode
                )
                failed = True
                stop(signal.SIGTERM, None)
    grace = settings.request_timeout + 5.0
    for worker in workers:
        worker.join(grace)
        if worker.is_alive():
            worker.kill()
    return 1 if failed or any(w.exitcode not in (0, -signal.SIGTERM) for w in workers) else 0


def serve(settings: Settings) -> int:
    """Serve with ``settings``; the exit status."""
    if settings.otel and (why := tracing_missing()) is not None:
        print(f"ll2-gateway: {why}", file=sys.stderr)
        return 2
    count = settings.worker_count
    if count <= 1:
        run_worker(dataclasses.replace(settings, workers="1"))
        return 0
    if sys.platform == "win32":  # pragma: no cover - no SO_REUSEPORT
        raise SystemExit("--workers above 1 needs SO_REUSEPORT (Linux, BSD, macOS)")
    _configure_logging(settings)
    with multiprocess_directory():  # every worker's metrics, added up at each scrape
        return _supervise(dataclasses.replace(settings, workers=str(count)), count)
