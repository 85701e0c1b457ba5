"""Effectively-once answers: a durable claim per question, with a lease, marked done only after delivery.

Every question srm must answer (an event, a slash command, a button click) gets a key — Slack's event_id,
the command's trigger_id — and one row in `claims` holding the work needed to answer it. The worker that
claims a key holds it for a lease; it records each delivered message (`sent`), and `done` after the last
one. A claim that is not done when its lease runs out was abandoned (the worker was killed, or the pool was
full): any worker's sweeper, or Slack's retry of the same event, takes it over and finishes it. Work is
given up (logged with the key) after `max_attempts` claims or once it is older than a response_url lives.

One `INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING` decides atomically which worker wins, on SQLite
(WAL) and on PostgreSQL alike, so web workers, the Socket Mode worker and several hosts share it safely.
If the database is down, a question is still answered: the claim is then held in this process only (so a
retry that reaches the same process is still recognised), and the failure is logged (bot.store.health).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from bot.store.health import Health
from bot.store.schema import claims as t

KEEP_SECONDS = 24 * 3600  # rows are kept a day: Slack's last retry comes about 5 minutes after the first
MAX_AGE_SECONDS = 30 * 60  # a response_url works for 30 minutes; an older question is not worth answering
MAX_ATTEMPTS = 5
LOCAL_KEYS = 10_000  # claims remembered in memory while the database is down
LOCAL = "local:"  # holder prefix of a claim the database never saw

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


def _greatest(column: Any, value: Any) -> Any:
    """MAX(a, b) on SQLite, GREATEST(a, b) on PostgreSQL: written once as CASE."""
    return sa.case((column > value, column), else_=value)


# The statements every answer runs, built once with bound parameters. Building a statement per call (and
# SQLAlchemy's cache key for it) cost ~0.6 ms of CPU a write, against ~0.07 ms to run a prepared one: the
# claim, the answer's record and `done` are three writes per answer, on a CPU shared with everything else.
_P = sa.bindparam
_MINE = sa.and_(t.c.key == _P("p_key"), t.c.holder == _P("p_holder"), t.c.state == "claimed")
_RENEW = sa.update(t).where(_MINE).values(claimed_at=_P("p_now"))
_PROGRESS = sa.update(t).where(_MINE).values(sent=_P("p_sent"))
_DONE = sa.update(t).where(_MINE).values(state="done", job="", sent=_greatest(t.c.sent, _P("p_sent")))
_DEFER = sa.update(t).where(_MINE).values(claimed_at=0, attempts=_greatest(t.c.attempts - 1, 0))


def _claim_statement(dialect: str) -> Any:
    ins = (postgresql.insert(t) if dialect == "postgresql" else sqlite.insert(t)).values(
        key=_P("p_key"), job=_P("p_job"), holder=_P("p_holder"), claimed_at=_P("p_now"), first_seen=_P("p_now"),
        attempts=1, sent=0, state="claimed")
    return ins.on_conflict_do_update(
        index_elements=[t.c.key],
        set_={"holder": ins.excluded.holder, "claimed_at": ins.excluded.claimed_at, "attempts": t.c.attempts + 1},
        where=sa.and_(t.c.state == "claimed", t.c.claimed_at < _P("p_stale"), t.c.attempts < _P("p_max_attempts")),
    ).returning(t.c.job, t.c.sent)


_CLAIM = {name: _claim_statement(name) for name in ("sqlite", "postgresql")}


class SqlClaims:
    """The ClaimStore on the store's database."""

    def __init__(self, engine: Callable[[], Engine], health: Health,
                 execute: Callable[[Any], tuple[int, list[Any]]],
                 lease: float = 30.0, max_attempts: int = MAX_ATTEMPTS, max_age: float = MAX_AGE_SECONDS):
        self._engine = engine
        self._health = health
        self._execute = execute  # commits one write (see Store._execute: SQLite's writes are grouped)
        self.lease = lease
        self.max_attempts = max_attempts
        self.max_age = max_age
        self._local: OrderedDict[str, float] = OrderedDict()
        self._local_lock = threading.Lock()

    # ---- plumbing ----------------------------------------------------------------------------------------

    def _write(self, statement: Any, params: dict[str, Any] | None = None) -> tuple[int, list[Any]]:
        """(rows changed, rows returned); a RETURNING statement's rows are read before the commit."""
        return self._execute(statement, params)

    def _updated(self, statement: Any, params: dict[str, Any] | None = None) -> int:
        return self._write(statement, params)[0]

    @staticmethod
    def _whose(claim: Claim, **params: Any) -> dict[str, Any]:
        return {"p_key": claim.key, "p_holder": claim.holder, **params}

    # ---- the protocol ------------------------------------------------------------------------------------

    def claim(self, key: str, job: str, now: float | None = None) -> Claim | None:
        """A new key, or one abandoned longer than the lease: the caller holds it. Otherwise None."""
        now = time.time() if now is None else now
        holder = f"{os.getpid()}.{time.time_ns()}.{next(_HOLDERS)}"  # unique without uuid4's urandom call

        def claim_in_db() -> Claim | None:
            stmt = _CLAIM["postgresql" if self._engine().dialect.name == "postgresql" else "sqlite"]
            rows = self._write(stmt, {"p_key": key, "p_job": job, "p_holder": holder, "p_now": now,
                                      "p_stale": now - self.lease, "p_max_attempts": self.max_attempts})[1]
            return Claim(key, str(rows[0][0]), holder, int(rows[0][1]), now) if rows else None

        return self._health.run_else("claim", claim_in_db, lambda: self._claim_locally(key, job, now))

    def _claim_locally(self, key: str, job: str, now: float) -> Claim | None:
        """The database is down: hold the claim in this process (a retry reaching it is still recognised)."""
        with self._local_lock:
            if key in self._local:
                return None
            self._local[key] = now
            while len(self._local) > LOCAL_KEYS:
                self._local.popitem(last=False)
        return Claim(key, job, f"{LOCAL}{os.getpid()}.{next(_HOLDERS)}", 0, now)

    def renew(self, claim: Claim, now: float | None = None) -> bool:
        """Restart the lease when the answer starts (it may have waited in the pool's queue); False if lost."""
        if claim.holder.startswith(LOCAL):
            return True
        now = time.time() if now is None else now
        return self._health.run("renew", lambda: self._updated(_RENEW, self._whose(claim, p_now=now)) == 1, True)

    def progress(self, claim: Claim, sent: int) -> bool:
        if claim.holder.startswith(LOCAL):
            return True
        return self._health.run("progress", lambda: self._updated(_PROGRESS, self._whose(claim, p_sent=sent)) == 1,
                                True)

    def done(self, claim: Claim, sent: int = 0) -> bool:
        """Delivered: the row stays a day (to recognise retries) without the job, which may hold the question."""
        if claim.holder.startswith(LOCAL):
            return True
        return self._health.run("done", lambda: self._updated(_DONE, self._whose(claim, p_sent=sent)) == 1, True)

    def defer(self, claim: Claim) -> None:
        """Give the claim back at once (the pool is full, or the worker is stopping): the next sweep takes it."""
        if claim.holder.startswith(LOCAL):
            with self._local_lock:
                self._local.pop(claim.key, None)
            return
        self._health.run("defer", lambda: self._updated(_DEFER, self._whose(claim)), 0)

    def take_abandoned(self, limit: int, now: float | None = None) -> list[Claim]:
        """Claim up to `limit` questions whose holder's lease ran out without finishing them."""
        if limit <= 0:
            return []
        now = time.time() if now is None else now
        query = (sa.select(t.c.key, t.c.job)
                 .where(t.c.state == "claimed", t.c.claimed_at < now - self.lease,
                        t.c.attempts < self.max_attempts, t.c.first_seen > now - self.max_age)
                 .order_by(t.c.claimed_at).limit(limit))

        def take() -> list[Claim]:
            with self._engine().connect() as conn:
                rows = conn.execute(query).all()
            taken = [self.claim(key, job, now) for key, job in rows]
            return [c for c in taken if c is not None and not c.holder.startswith(LOCAL)]

        return self._health.run("take_abandoned", take, [])

    def expire(self, now: float | None = None) -> list[str]:
        """Mark given-up questions failed (returned, to be logged) and forget rows older than a day."""
        now = time.time() if now is None else now
        stale = sa.and_(t.c.state == "claimed", t.c.claimed_at < now - self.lease,
                        sa.or_(t.c.attempts >= self.max_attempts, t.c.first_seen <= now - self.max_age))

        def run() -> list[str]:
            _, failed = self._write(sa.update(t).where(stale).values(state="failed", job="").returning(t.c.key))
            self._updated(sa.delete(t).where(t.c.first_seen < now - KEEP_SECONDS))
            return sorted(str(k) for (k,) in failed)

        return self._health.run("expire", run, [])

    def state(self, key: str) -> tuple[str, int, int] | None:
        """(state, attempts, sent) for one key — for tests and operators."""
        with self._engine().connect() as conn:
            row = conn.execute(sa.select(t.c.state, t.c.attempts, t.c.sent).where(t.c.key == key)).first()
        return (str(row[0]), int(row[1]), int(row[2])) if row else None
