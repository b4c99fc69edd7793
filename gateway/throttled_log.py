"""A log line that may repeat at most once a minute, without a traceback.

Failures that come in floods (a dead Redis on every lookup, ``accept()`` out of file
descriptors, malformed requests from a scanner) must not drown the log: the first one
is logged, the next ones only counted until ``every`` seconds have passed, and the
next line says how many were left out.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

__all__ = ["ThrottledLog"]


class ThrottledLog:
    def __init__(
        self,
        logger: logging.Logger,
        *,
        every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.every = every
        self._clock = clock
        self._logged_at = -math.inf
        #: Lines left out since the last one logged.
        self.suppressed = 0

    def log(self, level: int, message: str, *args: object) -> bool:
        """Log ``message % args`` at ``level`` unless one was logged too recently."""
        now = self._clock()
        if now - self._logged_at < self.every:
            self.suppressed += 1
            return False
        self._logged_at = now
        if self.suppressed:
            message += " (and %d more like it since the last report)"
            args = (*args, self.suppressed)
            self.suppressed = 0
        self.logger.log(level, message, *args)
        return True

    def warning(self, message: str, *args: object) -> bool:
        return self.log(logging.WARNING, message, *args)
