"""A database that is down must never lose an answer or crash a listener.

Every store call goes through `Health.run`: after a failure the database is left alone for a few seconds
(calls fail fast instead of each waiting on a connect timeout), the failure is logged at most once a
minute with how many records were dropped since, and the caller gets its fallback value.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot import metrics

T = TypeVar("T")
log = logging.getLogger("srm.store")

PAUSE_SECONDS = 2.0  # after a failure, skip the database this long
LOG_EVERY = 60.0
# The database's own errors (unreachable, read-only, locked, a lost connection) and a full pool. A bug in a
# query (an ArgumentError, say) is not "the database is down" and is raised as usual.
DOWN = (DBAPIError, PoolTimeout, OSError)


class Health:
    def __init__(self, pause: float = PAUSE_SECONDS, log_every: float = LOG_EVERY):
        self.pause = pause
        self.log_every = log_every
        self.dropped = 0  # records that could not be written, since start
        self.failures = 0
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._logged_at = -1e18
        self._dropped_since_log = 0

    @property
    def down(self) -> bool:
        return time.monotonic() < self._down_until

    def run(self, what: str, fn: Callable[[], T], fallback: T, *, record: bool = False) -> T:
        """fn(), or `fallback` if the database is down or fails now (counted as a dropped record if `record`)."""
        if not self.down:
            try:
                return fn()
            except DOWN as exc:
                self._failed(what, exc)
        if record:
            with self._lock:
                self.dropped += 1
                self._dropped_since_log += 1
        return fallback

    def run_else(self, what: str, fn: Callable[[], T], otherwise: Callable[[], T]) -> T:
        """fn(), or otherwise() if the database is down or fails now."""
        if not self.down:
            try:
                return fn()
            except DOWN as exc:
                self._failed(what, exc)
        return otherwise()

    def ok(self) -> None:
        with self._lock:
            self._down_until = 0.0

    def _failed(self, what: str, exc: Exception) -> None:
        now = time.monotonic()
        metrics.STORE_ERRORS.labels(what).inc()
        with self._lock:
            self.failures += 1
            self._down_until = now + self.pause
            due = now - self._logged_at >= self.log_every
            if due:
                self._logged_at = now
                dropped, self._dropped_since_log = self._dropped_since_log, 0
        if due:  # one line, no traceback: the cause is in `error`
            log.error("store unavailable; answering without it", extra={
                "call": what, "error": _one_line(exc), "records_dropped": dropped, "records_dropped_total":
                self.dropped})


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
