"""The store: one database (SQLAlchemy Core) for claims, thread context, quiz progress and the learning loop.

A room of its own, used by the surfaces (Slack listeners, the CLI), never by the engine. Every call that a
listener or an answer makes survives a database that is down (bot.store.health): reads give nothing, writes
are dropped and counted, claims are held in memory, and one line a minute says so.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from bot.store import db
from bot.store.claims import SqlClaims
from bot.store.health import DOWN, Health
from bot.store.records import AnswerRecord, Correction, FeedbackAbout, Privacy, record_id
from bot.store.schema import answers, corrections, feedback, meta, quiz_progress, thread_context

log = logging.getLogger("srm.store")

CONTEXT_SECONDS = 24 * 3600  # a thread's context is forgotten after a day
DAY = 24 * 3600
PRUNE_EVERY = 3600.0  # a long-running process enforces the retention hourly, not only at start


class Store:
    def __init__(self, url: str, privacy: Privacy | None = None, *, lease: float = 30.0,
                 migrate: bool = True, health: Health | None = None):
        self.url = url
        self.privacy = privacy or Privacy()
        self.health = health or Health()
        self._engine = db.create(url)
        self._sqlite = db.is_sqlite(self._engine)
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._group = db.GroupCommit(self._db, db.write_lock_path(self._engine))
        self._inserts: dict[str, Any] = {}
        self._migrated = False
        self._salt: str | None = None
        self._pruned_at = time.monotonic()  # the start prunes (bot.slack.app.build_store); then hourly
        self.claims = SqlClaims(self._db, self.health, self._execute, lease=lease)
        if migrate:
            self.health.run("migrate", self.migrate, None)

    # ---- connection plumbing ---------------------------------------------------------------------------

    def _db(self) -> Engine:
        """The engine, safe after a fork (gunicorn loads the app in its master and forks workers)."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._engine.dispose(close=False)  # the parent's connections stay the parent's
                    self._group = db.GroupCommit(self._db, db.write_lock_path(self._engine))
                    self._pid = os.getpid()
        if not self._migrated:
            self.migrate()
        return self._engine

    def _execute(self, statement: Any, params: dict[str, Any] | None = None) -> tuple[int, list[Any]]:
        """Run one write and commit it: (rows changed, rows returned). SQLite allows one writer at a time, so
        a process's concurrent writes share one transaction (db.GroupCommit) instead of queueing for it one
        by one — threads taking turns, each in SQLite's busy handler (sleeps of 1, 2, 5, 10… ms) or on a
        lock, were most of an ack's time under load. PostgreSQL needs neither."""
        if self._sqlite:
            self._db()  # after a fork, this process's own group (and lock file) first
            return self._group.execute(statement, params)
        with self._db().begin() as conn:
            return db.execute(conn, statement, params)

    def _write(self, statement: Any) -> int:
        return self._execute(statement)[0]

    def _insert_once(self, table: sa.Table) -> Any:
        """INSERT … ON CONFLICT DO NOTHING for the table, built once (the row comes as parameters)."""
        stmt = self._inserts.get(table.name)
        if stmt is None:
            stmt = self._inserts[table.name] = self._insert(table).on_conflict_do_nothing()
        return stmt

    def _insert(self, table: sa.Table) -> Any:
        return postgresql.insert(table) if self._engine.dialect.name == "postgresql" else sqlite.insert(table)

    def migrate(self) -> str | None:
        """Apply migrations (idempotent). Done at start; `srm migrate` does it on its own."""
        with self._lock:
            revision = db.migrate(self._engine)
            self._migrated = True
        return revision

    def close(self) -> None:
        self._engine.dispose()

    def engine(self) -> Engine:
        """The engine for the Slack installation stores (bot.store.installations), fork-safe and migrated."""
        return self._db()

    # ---- thread context and quiz progress (issue 9) ----------------------------------------------------

    def get_context(self, team: str, channel: str, thread: str, now: float | None = None) -> dict | None:
        now = time.time() if now is None else now
        q = sa.select(thread_context.c.context).where(
            thread_context.c.team == team, thread_context.c.channel == channel, thread_context.c.thread == thread,
            thread_context.c.updated_at >= now - CONTEXT_SECONDS)
        return self.health.run("get_context", lambda: self._read_json(q), None)

    def put_context(self, team: str, channel: str, thread: str, context: dict, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._upsert("put_context", thread_context, {"team": team, "channel": channel, "thread": thread},
                     {"context": json.dumps(context, ensure_ascii=False), "updated_at": now})

    def get_quiz(self, team: str, user: str) -> dict | None:
        q = sa.select(quiz_progress.c.progress).where(quiz_progress.c.team == team,
                                                      quiz_progress.c.user_id == user)
        return self.health.run("get_quiz", lambda: self._read_json(q), None)

    def put_quiz(self, team: str, user: str, progress: dict) -> None:
        self._upsert("put_quiz", quiz_progress, {"team": team, "user_id": user},
                     {"progress": json.dumps(progress, ensure_ascii=False), "updated_at": time.time()})

    def _read_json(self, query: Any) -> dict | None:
        with self._db().connect() as conn:
            raw = conn.execute(query).scalar()
        return json.loads(raw) if raw else None

    def _upsert(self, what: str, table: sa.Table, keys: dict[str, Any], values: dict[str, Any]) -> None:
        stmt = self._insert(table).values(**keys, **values)
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=values)
        self.health.run(what, lambda: self._write(stmt), 0, record=True)

    # ---- the learning loop (issue 11) ------------------------------------------------------------------

    def _user_salt(self) -> str:
        if self._salt is None:
            with self._db().connect() as conn:
                self._salt = str(conn.execute(sa.select(meta.c.value).where(meta.c.key == "user_salt")).scalar())
        return self._salt

    def _add(self, what: str, table: sa.Table, fields: dict[str, Any]) -> None:
        """Insert once: a retried answer (same id) is not counted twice."""
        def write() -> int:
            row = dict(fields)
            user = row.pop("user", None)
            salted = {**row, "user_key": self.privacy.user_key(user, self._user_salt())}
            return self._execute(self._insert_once(table), salted)[0]

        self.health.run(what, write, 0, record=True)
        self._prune_now_and_then()

    def _prune_now_and_then(self) -> None:
        if time.monotonic() - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = time.monotonic()
        self.health.run("prune", lambda: self.prune(self.privacy.retention_days), 0)

    def record_answer(self, record: AnswerRecord) -> str:
        """Returns the answer's id (carried by its feedback buttons), recorded or not."""
        self._add("record_answer", answers, {
            "id": record.id, "at": record.at, "surface": record.surface, "team": record.team,
            "channel": record.channel, "user": record.user, "question": self.privacy.question(record.question),
            "answered": record.answered, "reason": record.reason,
            "detail": self.privacy.question(record.detail), "owner": record.owner, "service": record.service,
            "duty": record.duty, "scenario": record.scenario, "confidence": float(record.confidence)})
        return record.id

    def record_feedback(self, answer_id: str | None, helpful: bool, comment: str | None = None, *,
                        key: str | None = None, about: FeedbackAbout | None = None) -> str:
        """One click on 👍 or 👎 (`key`: the click's id, so a retried click counts once)."""
        about = about or FeedbackAbout()
        fid = record_id(key)
        self._add("record_feedback", feedback, {
            "id": fid, "at": time.time(), "answer_id": answer_id, "helpful": helpful,
            "comment": self.privacy.question(comment), "team": about.team, "user": about.user,
            "service": about.service, "duty": about.duty, "owner": about.owner,
            "question": self.privacy.question(about.question)})
        return fid

    def record_correction(self, correction: Correction) -> None:
        c = correction
        self._add("record_correction", corrections, {
            "id": c.id, "at": c.at, "answer_id": c.answer_id, "team": c.team, "user": c.user,
            "question": self.privacy.question(c.question), "what_is_wrong": self.privacy.question(c.what_is_wrong)
            or "(not stored: SRM_STORE_QUESTIONS=false)", "right_owner": c.right_owner,
            "source_url": c.source_url})

    def prune(self, older_than_days: int, now: float | None = None) -> int:
        """Forget records older than the retention, thread context older than a day, claims older than a day."""
        now = time.time() if now is None else now
        cutoff = now - older_than_days * DAY
        statements = [sa.delete(t).where(t.c.at < cutoff) for t in (answers, feedback, corrections)]
        statements += [sa.delete(thread_context).where(thread_context.c.updated_at < now - CONTEXT_SECONDS),
                       sa.delete(quiz_progress).where(quiz_progress.c.updated_at < cutoff)]

        def run() -> int:
            removed = sum(self._write(s) for s in statements)
            expired = self.claims.expire(now)
            return removed + len(expired)

        return run()

    def ping(self) -> bool:
        """Reachable and migrated (for /readyz)."""
        def check() -> bool:
            with self._db().connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return True

        try:
            return check()
        except DOWN:
            return False

    # ---- reading records (srm gaps) --------------------------------------------------------------------

    def rows(self, table: sa.Table, since: float) -> list[dict[str, Any]]:
        with self._db().connect() as conn:
            result = conn.execute(sa.select(table).where(table.c.at >= since).order_by(table.c.at))
            return [dict(r._mapping) for r in result]


def open_store(url: str | None = None, privacy: Privacy | None = None, *, lease: float = 30.0,
               migrate: bool = True) -> Store:
    """The store at `url` (None: SRM_DATABASE_URL, or the default SQLite file under the data directory)."""
    return Store(url or db.database_url(), privacy or Privacy.from_env(), lease=lease, migrate=migrate)
