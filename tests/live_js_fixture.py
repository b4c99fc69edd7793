"""Node clients of live data (``tests/live_js``): installed by ``npm ci`` from the committed
lock when ``node_modules`` is missing; skipped without Node, except under ``CI``."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = ["LIVE_JS", "live_js", "run_node"]

LIVE_JS = Path(__file__).resolve().parent / "live_js"


@pytest.fixture(scope="session")
def live_js() -> Path:
    """The folder of the Node clients, with its packages installed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if "CI" in os.environ:
            pytest.fail("node and npm are needed for the live clients' tests (CI is set)")
        pytest.skip("node and npm are not installed")
    if not (LIVE_JS / "node_modules" / "@apollo" / "client").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=LIVE_JS,
            check=True,
            capture_output=True,
            timeout=600,
        )
    return LIVE_JS


async def run_node(
    folder: Path, script: str, *args: str
) -> tuple[asyncio.subprocess.Process, asyncio.StreamReader]:
    """Start ``node script args`` without blocking the event loop the servers run in."""
    node = shutil.which("node")
    assert node is not None
    process = await asyncio.create_subprocess_exec(
        node,
        str(folder / script),
        *args,
        cwd=folder,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    return process, process.stdout
