"""A Redis server of a test's own, on a loopback port, to kill, hang and restart.

Skipped without a ``redis-server`` binary, except on CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.harness import free_port

__all__ = ["RedisServer", "redis_server"]


class RedisServer:
    """``redis-server`` in its own process, without persistence."""

    def __init__(self, binary: str, port: int) -> None:
        self.binary = binary
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        self.stopped = False

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: connections are refused from now on."""
        assert self.proc is not None
        self.cont()
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        """SIGSTOP: connections are accepted by the kernel but nothing answers."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)
        self.stopped = True

    def cont(self) -> None:
        if self.stopped and self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)
            self.stopped = False

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        if "CI" in os.environ:
            pytest.fail("redis-server is not installed (CI is set: Redis loss tests must run)")
        pytest.skip("redis-server is not installed")
    server = RedisServer(binary, free_port()).start()
    try:
        yield server
    finally:
        server.close()
