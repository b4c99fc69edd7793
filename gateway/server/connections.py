"""How many client connections the gateway holds, and which one gives way.

Every open connection holds a file descriptor, and so do LL2's and Redis's: past the
process's file limit ``accept()`` fails and nobody is served.  So the gateway holds at
most :func:`connection_cap` connections, below that limit.  At the cap, a new
connection closes an *idle* one, in this order: the oldest that never sent a byte,
then the oldest still sending its headers, then the oldest kept alive between
requests (nothing is lost, a client reconnects; a client that proved itself with a
request goes last).  When every connection is busy with a request, the new one is
refused at once with a 503.
"""

from __future__ import annotations

import logging
import resource
from collections import OrderedDict
from typing import Protocol

__all__ = ["Connection", "ConnectionGuard", "connection_cap", "file_limit", "listen_backlog"]

log = logging.getLogger("gateway.server")

#: Descriptors kept for everything but client connections: standard streams, the event
#: loop, listening sockets, Redis's pool (32), log files.
BASE_RESERVE = 64
#: The fewest connections a cap leaves, however low the file limit.
MIN_CAP = 8


def file_limit() -> int | None:
    """The soft limit on open files of this process, ``None`` if unlimited."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else soft


def listen_backlog(limit: int | None, wanted: int = 128) -> int:
    """The listen backlog for a file limit: the event loop accepts up to that many
    connections at a time, so a small limit takes a small backlog."""
    return wanted if limit is None else max(8, min(wanted, limit // 8))


def connection_cap(
    wanted: int, *, upstream_connections: int, backlog: int, limit: int | None
) -> int:
    """``wanted``, lowered to leave descriptors under ``limit`` for LL2 (both ends, when
    the offline LL2 runs in-process), Redis, the process itself, and two bursts of
    ``backlog`` connections (the event loop accepts that many at a time, and a second
    burst may come before the connections closed to make room for the first are gone)."""
    if limit is None:
        return wanted
    room = limit - BASE_RESERVE - 2 * upstream_connections - 2 * backlog
    return min(wanted, max(MIN_CAP, room))


class Connection(Protocol):
    @property
    def idle_rank(self) -> int | None:
        """``None`` while a request is being received or answered on it; else how
        readily it gives way: 0 never sent a byte, 1 sending headers, 2 kept alive."""
        ...

    def evict(self) -> None:
        """Close it now (it is idle)."""
        ...


class ConnectionGuard:
    """The open connections, oldest first, held to ``cap``."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._open: OrderedDict[Connection, None] = OrderedDict()
        #: Idle connections closed to make room, and connections refused.
        self.evicted = 0
        self.refused = 0

    def __len__(self) -> int:
        return len(self._open)

    def admit(self, connection: Connection) -> bool:
        """Hold ``connection`` (closing the oldest idle one at the cap); False: refuse it."""
        if len(self._open) >= self.cap:
            victim = self._victim()
            if victim is None:
                self.refused += 1
                return False
            self.release(victim)
            victim.evict()
            self.evicted += 1
        self._open[connection] = None
        return True

    def _victim(self) -> Connection | None:
        """The connection that gives way first: lowest rank, then oldest."""
        best: Connection | None = None
        best_rank = 3
        for connection in self._open:
            rank = connection.idle_rank
            if rank is not None and rank < best_rank:
                best, best_rank = connection, rank
                if rank == 0:
                    break
        return best

    def release(self, connection: Connection) -> None:
        """``connection`` is closed."""
        self._open.pop(connection, None)
