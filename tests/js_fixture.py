"""What the JavaScript client tests need: Node with ``tests/js`` installed, Chromium, and
GraphiQL's assets.  Each is set up when missing (``npm ci`` from the committed lock file,
the assets from the npm registry); without Node or Chromium the tests skip, except on CI,
where they must run.

Import the fixtures into a test module (``from tests.js_fixture import node_modules``).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

__all__ = ["JS", "chromium", "graphiql_assets", "node_modules", "run_node"]

JS = Path(__file__).resolve().parent / "js"


def _unavailable(reason: str) -> None:
    if "CI" in os.environ:
        pytest.fail(f"{reason} (CI is set: the JavaScript client tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """``tests/js/node_modules``, installed by ``npm ci`` when missing or older than the lock."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        _unavailable("Node.js and npm are not installed")
    installed = JS / "node_modules" / ".package-lock.json"
    lock = JS / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=JS,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            pytest.fail(f"npm ci failed in {JS}:\n{done.stderr}")
    return JS / "node_modules"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium (``CHROMIUM`` to point elsewhere); .ci/run installs it."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not found:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    assert found is not None
    return found


@pytest.fixture(scope="session")
def graphiql_assets() -> Path:
    """GraphiQL's assets in the source tree's ``static/``, fetched when missing."""
    from gateway.server.graphiql.fetch import STATIC, fetch, missing

    if missing(STATIC):
        fetch(STATIC)
    assert not missing(STATIC)
    return STATIC


async def run_node(script: str, *args: str, env: dict[str, str] | None = None) -> Any:
    """Run ``tests/js/<script>`` while the test's event loop keeps serving; its JSON output."""
    proc = await asyncio.create_subprocess_exec(
        "node",
        str(JS / script),
        *args,
        cwd=JS,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=180)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode == 0, f"node {script} failed:\n{stderr.decode()}"
    return json.loads(stdout.decode().strip().splitlines()[-1])
