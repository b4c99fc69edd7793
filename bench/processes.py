"""The processes a benchmark starts: a free port, waiting until one listens, stopping one.

Every script of ``bench/`` starts the offline LL2 and gateways on loopback ports of their
own; these are the few steps they share.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from typing import Final

__all__ = ["HOST", "START_TIMEOUT", "free_port", "stop_process", "wait_listening"]

HOST: Final = "127.0.0.1"
#: Seconds a started process gets to listen.
START_TIMEOUT: Final = 30.0


def free_port() -> int:
    """A loopback port nothing listens on (the kernel's pick)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


async def wait_listening(
    proc: subprocess.Popen[bytes], port: int, what: str, *, timeout: float = START_TIMEOUT
) -> None:
    """Until ``port`` takes connections; RuntimeError when ``proc`` exits or ``timeout``
    passes first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection(HOST, port)
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start (exit code {proc.poll()})") from None
            await asyncio.sleep(0.05)
        else:
            writer.close()
            return


def stop_process(proc: subprocess.Popen[bytes], *, grace: float = 15.0) -> None:
    """SIGTERM (a graceful shutdown), then SIGKILL after ``grace`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
