"""Effectively-once answers: a durable claim per question, with a lease, marked done only after delivery.

Every question srm must answer (an event, a slash command, a button click) gets a key — Slack's event_id,
the command's trigger_id — and one row here holding the work needed to answer it. The worker that claims a
key holds it for a lease; it records each delivered message (`sent`), and `done` after the last one. A
claim that is not done when its lease runs out was abandoned (the worker was killed, or the pool was full):
any worker's sweeper, or Slack's retry of the same event, takes it over and finishes it. Work is given up
(logged with the key) after `max_attempts` claims or once it is older than a response_url lives.

gunicorn runs several processes and restarts them, so this lives on disk, not in memory: SQLite in WAL
mode, where one INSERT/UPDATE decides atomically which worker wins. `ClaimStore` is the interface, so a
database server can replace the file later without touching the listeners.
"""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

KEEP_SECONDS = 24 * 3600  # rows are kept a day: Slack's last retry comes about 5 minutes after the first
MAX_AGE_SECONDS = 30 * 60  # a response_url works for 30 minutes; an older question is not worth answering
MAX_ATTEMPTS = 5

log = logging.getLogger("srm.claims")
_HOLDERS = itertools.count()


@dataclass(frozen=True)
class Claim:
    key: str
    job: str  # JSON: what the answer needs (bot.slack.work.Job)
    holder: str  # changes with every claim; only the holder may record progress
    sent: int = 0  # messages of this answer already delivered
    claimed_at: float = 0.0  # time.time() of this claim


class ClaimStore(Protocol):
    def claim(self, key: str, job: str, now: float | None = None) -> Claim | None: ...
    def renew(self, claim: Claim, now: float | None = None) -> bool: ...
    def progress(self, claim: Claim, sent: int) -> bool: ...
    def done(self, claim: Claim, sent: int = 0) -> bool: ...
    def defer(self, claim: Claim) -> None: ...
    def take_abandoned(self, limit: int, now: float | None = None) -> list[Claim]: ...
    def expire(self, now: float | None = None) -> list[str]: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (
    key TEXT PRIMARY KEY,
    job TEXT NOT NULL,
    holder TEXT NOT NULL,
    claimed_at REAL NOT NULL,
    first_seen REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    sent INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'claimed'   -- claimed | done | failed
)
"""


class EventStore:
    """The SQLite ClaimStore (the file in SRM_EVENT_STORE)."""

    def __init__(self, path: Path, lease: float = 30.0, max_attempts: int = MAX_ATTEMPTS,
                 max_age: float = MAX_AGE_SECONDS):
        self.path = path
        self.lease = lease
        self.max_attempts = max_attempts
        self.max_age = max_age
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # Threads of one process take turns here rather than in SQLite's busy handler, which sleeps 1, 2,
        # 5, 10… ms between tries: that sleeping, not the write, was the p99 of an ack.
        self._writing = threading.Lock()
        # A throwaway connection: this may run in gunicorn's master, and connections must not cross a fork.
        setup = sqlite3.connect(path, timeout=10.0, isolation_level=None)
        try:
            setup.execute("PRAGMA journal_mode=WAL")
            setup.execute("DROP TABLE IF EXISTS events")  # the table before claims had leases
            setup.execute(_SCHEMA)
            setup.execute("CREATE INDEX IF NOT EXISTS claims_open ON claims (state, claimed_at)")
        finally:
            setup.close()

    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a killed process
            self._local.conn = conn
        return conn

    def _write(self, sql: str, args: tuple[object, ...]) -> tuple[int, list[tuple[object, ...]]]:
        with self._writing:
            cur = self._db().execute(sql, args)
            rows = cur.fetchall()  # a RETURNING statement finishes (and commits) when it is read
            return cur.rowcount, rows

    def claim(self, key: str, job: str, now: float | None = None) -> Claim | None:
        """A new key, or one abandoned longer than the lease: the caller holds it. Otherwise None."""
        now = time.time() if now is None else now
        holder = f"{os.getpid()}.{time.time_ns()}.{next(_HOLDERS)}"  # unique without uuid4's urandom call
        _, rows = self._write(  # one statement, so one write lock: RETURNING needs SQLite 3.35 (2021)
            "INSERT INTO claims (key, job, holder, claimed_at, first_seen) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET holder = excluded.holder, claimed_at = excluded.claimed_at, "
            "attempts = attempts + 1 WHERE state = 'claimed' AND claimed_at < ? AND attempts < ? "
            "RETURNING job, sent", (key, job, holder, now, now, now - self.lease, self.max_attempts))
        return Claim(key, str(rows[0][0]), holder, int(rows[0][1]), now) if rows else None  # type: ignore[call-overload]

    def renew(self, claim: Claim, now: float | None = None) -> bool:
        """Restart the lease when the answer starts (it may have waited in the pool's queue); False if lost."""
        now = time.time() if now is None else now
        n, _ = self._write("UPDATE claims SET claimed_at = ? WHERE key = ? AND holder = ? AND state = 'claimed'",
                           (now, claim.key, claim.holder))
        return n == 1

    def progress(self, claim: Claim, sent: int) -> bool:
        n, _ = self._write("UPDATE claims SET sent = ? WHERE key = ? AND holder = ? AND state = 'claimed'",
                           (sent, claim.key, claim.holder))
        return n == 1

    def done(self, claim: Claim, sent: int = 0) -> bool:
        n, _ = self._write("UPDATE claims SET state = 'done', sent = MAX(sent, ?) "
                           "WHERE key = ? AND holder = ? AND state = 'claimed'", (sent, claim.key, claim.holder))
        return n == 1

    def defer(self, claim: Claim) -> None:
        """Give the claim back at once (the pool is full, or the worker is stopping): the next sweep takes it."""
        self._write("UPDATE claims SET claimed_at = 0, attempts = MAX(attempts - 1, 0) "
                           "WHERE key = ? AND holder = ? AND state = 'claimed'", (claim.key, claim.holder))

    def take_abandoned(self, limit: int, now: float | None = None) -> list[Claim]:
        """Claim up to `limit` questions whose holder's lease ran out without finishing them."""
        if limit <= 0:
            return []
        now = time.time() if now is None else now
        rows = self._db().execute(
            "SELECT key, job FROM claims WHERE state = 'claimed' AND claimed_at < ? AND attempts < ? "
            "AND first_seen > ? ORDER BY claimed_at LIMIT ?",
            (now - self.lease, self.max_attempts, now - self.max_age, limit)).fetchall()
        return [c for key, job in rows if (c := self.claim(key, job, now)) is not None]

    def expire(self, now: float | None = None) -> list[str]:
        """Mark given-up questions failed (returned, to be logged) and forget rows older than a day."""
        now = time.time() if now is None else now
        db = self._db()
        stale = "state = 'claimed' AND claimed_at < ? AND (attempts >= ? OR first_seen <= ?)"
        args = (now - self.lease, self.max_attempts, now - self.max_age)
        keys = [k for (k,) in db.execute(f"SELECT key FROM claims WHERE {stale}", args).fetchall()]
        if keys:
            self._write(f"UPDATE claims SET state = 'failed' WHERE {stale}", args)
        self._write("DELETE FROM claims WHERE first_seen < ?", (now - KEEP_SECONDS,))
        return keys

    def state(self, key: str) -> tuple[str, int, int] | None:
        """(state, attempts, sent) for one key — for tests and operators."""
        row = self._db().execute("SELECT state, attempts, sent FROM claims WHERE key = ?", (key,)).fetchone()
        return (row[0], row[1], row[2]) if row else None
