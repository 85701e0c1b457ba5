"""Answer each Slack event once across every worker and restart: a small SQLite table keyed on event_id.

Slack retries a delivery it thinks failed (up to three more times). gunicorn runs several processes, so
process memory cannot remember what was answered; a file on disk shared by all of them can. SQLite's
INSERT is atomic, so exactly one worker wins the claim.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

KEEP_SECONDS = 24 * 3600  # Slack's last retry comes about 5 minutes after the first delivery


class EventStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # A throwaway connection: this may run in gunicorn's master, and connections must not cross a fork.
        setup = sqlite3.connect(path, timeout=5.0, isolation_level=None)
        try:
            setup.execute("PRAGMA journal_mode=WAL")
            setup.execute("CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY, seen_at REAL NOT NULL)")
        finally:
            setup.close()

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
            self._local.conn = conn
        return conn

    def claim(self, event_id: str, now: float | None = None) -> bool:
        """True for the first caller with this event_id, False for every repeat."""
        now = time.time() if now is None else now
        db = self._connect()
        cur = db.execute("INSERT OR IGNORE INTO events (event_id, seen_at) VALUES (?, ?)", (event_id, now))
        if cur.rowcount == 1 and int(now) % 97 == 0:  # prune now and then, not on every event
            db.execute("DELETE FROM events WHERE seen_at < ?", (now - KEEP_SECONDS,))
        return cur.rowcount == 1
