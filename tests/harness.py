"""A running gateway over a running offline upstream, both on real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from bench.processes import free_port
from gateway.server import APP_STATE, AppState, create_app
from gateway.server.serving import GatewayRunner
from gateway.settings import Settings


@dataclass
class Response:
    status: int
    body: Any

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors") or []

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]


class Gateway:
    """The gateway app served on 127.0.0.1 with an ephemeral port."""

    def __init__(self, upstream: Any, **settings: Any) -> None:
        self.upstream = upstream
        self.settings = Settings(upstream=upstream.url, **settings)
        self.url = ""
        self._runner: GatewayRunner | None = None
        self.http: aiohttp.ClientSession | None = None

    async def start(self) -> Gateway:
        self._runner = GatewayRunner(create_app(self.settings))
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        self.http = aiohttp.ClientSession()
        return self

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def state(self) -> AppState:
        assert self._runner is not None
        return self._runner.app[APP_STATE]

    async def query(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """POST one operation and return the decoded answer."""
        assert self.http is not None
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        async with self.http.post(f"{self.url}/graphql", json=payload, headers=headers) as response:
            return Response(response.status, await response.json(content_type=None))

    async def request(self, method: str, path: str, **kwargs: Any) -> Response:
        assert self.http is not None
        async with self.http.request(method, f"{self.url}{path}", **kwargs) as response:
            text = await response.text()
            try:
                import json

                body = json.loads(text)
            except ValueError:
                body = text
            return Response(response.status, body)

    def upstream_calls(self) -> list[Any]:
        """LL2 requests the offline upstream served since the last reset."""
        return list(self.upstream.state.log)

    def reset_upstream(self) -> None:
        self.upstream.state.reset()


def carried(body: Any, route: str, keys: Iterable[str]) -> set[str]:
    """Ids of the ``route`` objects (``"agencies/"``) an LL2 body embeds with every one of
    ``keys`` somewhere: what the gateway can take from that body without another call."""
    link = re.compile(rf"/{re.escape(route)}(?P<id>[^/]+)/")
    wanted = set(keys)
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            match = link.search(str(value.get("url") or ""))
            if match and wanted <= value.keys():
                found.add(match["id"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)
    return found


@contextlib.asynccontextmanager
async def gateway_process(
    upstream_url: str, env: dict[str, str] | None = None, *args: str
) -> AsyncIterator[tuple[subprocess.Popen[bytes], str]]:
    """``python -m gateway serve`` in its own OS process; yields it and its base URL.

    The wait polls with ``asyncio.sleep`` so that an offline upstream running in the
    test's own event loop can answer the new process meanwhile.
    """
    import socket

    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gateway",
            "serve",
            "--port",
            str(port),
            "--upstream",
            upstream_url,
            "--log-level",
            "WARNING",
            *args,
        ],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    stderr = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError(f"the gateway process did not start: {stderr}") from None
                await asyncio.sleep(0.05)
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
