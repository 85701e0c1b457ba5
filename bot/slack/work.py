"""Ack first, answer later: claim the question, answer it on a bounded pool, mark it done once delivered.

Listeners only turn a payload into a `Job` and call `Work.start`, which claims the job's key in the store
and hands it to the pool; the HTTP ack never waits on engine or Web API. When the pool is full the claim
is given back to the store (a log line says so) and the sweeper answers it as soon as a thread is free —
the ack is still immediate and nothing is dropped. The sweeper, one thread per process, also finishes
questions whose worker died mid-answer (see bot.slack.dedupe), and `stop` drains in-flight answers on
SIGTERM, bounded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from bot import metrics
from bot.slack.dedupe import Claim, ClaimStore
from bot.slack.delivery import RESPONSE_URL, Deliverer, Send

if TYPE_CHECKING:
    from bot.slack.tokens import Tokens

log = logging.getLogger("srm.work")

SWEEP_SECONDS = 1.0
EXPIRE_EVERY = 30  # sweeps


@dataclass(frozen=True)
class Job:
    """What answering one question needs, small enough to store as JSON with its claim."""

    key: str  # the question id: event_id, "cmd:<trigger_id>", "act:<trigger_id>", "sc:<trigger_id>"
    # command | mention | dm | home | prompts | shortcut | share | suggest | example | thanks | quiz | quiz_answer
    # | escalate | correct | correction
    kind: str
    text: str = ""
    channel: str | None = None
    thread_ts: str | None = None
    user: str | None = None
    response_url: str | None = None
    ephemeral: bool = False
    team: str | None = None  # the workspace: thread context and quiz progress are kept per team
    enterprise: str | None = None  # the Enterprise Grid org, if any
    org_install: bool = False  # installed org-wide: the org's bot answers every workspace (bot.slack.tokens)
    data: dict[str, Any] = field(default_factory=dict)  # what a kind needs beyond these (escalation, corrections)

    def dumps(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def loads(cls, text: str) -> Job:
        return cls(**json.loads(text))


def stable_key(prefix: str, body: dict[str, Any], *ids: object) -> str:
    """A key that is the same on every delivery of one question: Slack's own id, else a hash of the body."""
    for value in ids:
        if isinstance(value, str) and value:
            return f"{prefix}:{value}"
    return f"{prefix}:" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]


class Outcome(Enum):
    ACCEPTED = "accepted"
    DEFERRED = "deferred"  # the pool was full; the sweeper answers it when a thread is free
    DUPLICATE = "duplicate"  # another worker holds or finished it


class AnswerPool:
    """A thread pool that refuses work instead of queueing without bound. Threads start in the worker."""

    def __init__(self, threads: int, backlog: int):
        self.threads = threads
        self.capacity = threads + backlog
        self._lock = threading.Lock()
        self._in_use = 0
        self._executor: ThreadPoolExecutor | None = None
        self._pid = 0
        self._running: set[Future[None]] = set()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:  # created lazily and per process: threads do not survive gunicorn's fork
            if self._executor is None or self._pid != os.getpid():
                self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="srm-answer")
                self._pid = os.getpid()
            return self._executor

    def free(self) -> int:
        with self._lock:
            return self.capacity - self._in_use

    def submit(self, fn: Callable[[], None]) -> bool:
        with self._lock:
            if self._in_use >= self.capacity:
                return False
            self._in_use += 1
        future = self._pool().submit(fn)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._finished)
        return True

    def _finished(self, future: Future[None]) -> None:
        with self._lock:
            self._running.discard(future)
            self._in_use -= 1

    def drain(self, timeout: float) -> int:
        """Finish running and queued answers, up to `timeout` seconds; returns how many were left."""
        with self._lock:
            executor, running = self._executor, set(self._running)
        if executor is None:
            return 0
        executor.shutdown(wait=False)
        _, left = wait(running, timeout=timeout)
        return len(left)


class Work:
    def __init__(self, store: ClaimStore, pool: AnswerPool, deliverer: Deliverer,
                 plan: Callable[[Job], list[Send]], deadline: float, tokens: Tokens | None = None):
        self.store = store
        self.tokens = tokens  # None: the deliverer's own token (one workspace)
        self.pool = pool
        self.deliverer = deliverer
        self.plan = plan
        self.deadline = deadline
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def start(self, job: Job) -> Outcome:
        """Claim the job and hand it to the pool. Never blocks on Slack."""
        metrics.REQUESTS.labels(job.kind).inc()
        claim = self.store.claim(job.key, job.dumps())
        if claim is None:
            metrics.DEDUPLICATED.inc()
            log.info("duplicate ignored", extra={"question_id": job.key})
            return Outcome.DUPLICATE
        if self.pool.submit(lambda: self.run(claim)):
            return Outcome.ACCEPTED
        self.store.defer(claim)
        log.warning("answer pool full: deferred to the sweeper", extra={"question_id": job.key,
                                                                        "capacity": self.pool.capacity})
        return Outcome.DEFERRED

    def run(self, claim: Claim) -> None:
        """Answer one claimed question: build its messages, deliver those not yet sent, then mark it done."""
        try:
            # A job that waited in the queue renews its lease first, so the lease outlasts its deadline; one
            # that starts at once skips that write (the lease is longer than deadline + call timeout + 1 s).
            if time.time() - claim.claimed_at > 1.0 and not self.store.renew(claim):
                log.info("taken over while queued", extra={"question_id": claim.key})
                return
            until = time.monotonic() + self.deadline
            job = Job.loads(claim.job)
            token = self.tokens.for_job(job) if self.tokens is not None else None
            messages = self.plan(job)
            if self.tokens is not None and token is None:  # uninstalled since: only a response_url still works
                log.warning("workspace not installed: Web API messages dropped",
                            extra={"question_id": claim.key, "team": job.team})
                messages = [m for m in messages if m.method == RESPONSE_URL]
            for i, message in enumerate(messages):
                if i < claim.sent:
                    continue
                if not self.deliverer.send(message, until, claim.key, token):
                    return  # not done: after the lease another attempt (up to the store's limit) retries it
                if i + 1 < len(messages):
                    self.store.progress(claim, i + 1)
            self.store.done(claim, len(messages))
            metrics.ANSWER_SECONDS.observe(max(0.0, time.time() - claim.claimed_at))
        except Exception:  # a bug must not kill the pool thread; the claim stays open for a retry
            log.exception("answer failed", extra={"question_id": claim.key})

    # ---- background: the sweeper, and shutdown ------------------------------------------------------------

    def sweep(self) -> int:
        """Take abandoned questions, as many as the pool can start now."""
        taken = 0
        for claim in self.store.take_abandoned(self.pool.free()):
            if not self.pool.submit(lambda c=claim: self.run(c)):
                self.store.defer(claim)
                break
            log.info("abandoned question taken over", extra={"question_id": claim.key})
            taken += 1
        return taken

    def _sweep_forever(self) -> None:
        n = 0
        while not self._stop.wait(SWEEP_SECONDS):
            try:
                self.sweep()
                n += 1
                if n % EXPIRE_EVERY == 0:
                    for key in self.store.expire():
                        log.error("question given up", extra={"question_id": key})
            except Exception:  # a locked database now and then must not end the sweeper
                log.exception("sweep failed")

    def start_background(self) -> None:
        if self._sweeper is None or not self._sweeper.is_alive():
            self._stop.clear()
            self._sweeper = threading.Thread(target=self._sweep_forever, name="srm-sweeper", daemon=True)
            self._sweeper.start()

    def stop(self, timeout: float) -> None:
        """On SIGTERM: no more sweeping, finish in-flight answers (bounded), leave the rest to other workers."""
        self._stop.set()
        left = self.pool.drain(timeout)
        log.info("answers drained", extra={"unfinished": left})
