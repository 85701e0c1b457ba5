"""Prometheus metrics: the metric objects, and the text `GET /metrics` serves.

Call sites add one line each (`metrics.ANSWERS.labels(...).inc()`). Under gunicorn, every worker is a separate
process, so prometheus_client runs in multiprocess mode: each process writes its values to files in
`PROMETHEUS_MULTIPROC_DIR` and a scrape of any worker sums them all. bot/gunicorn_conf.py sets that directory
(one per server start, emptied by the master before the workers fork) and marks dead workers' files.
The variable must be set before prometheus_client is first imported, which is why the import is here and
not in a module the config loads. Without it (tests in-process, `srm chat`) the ordinary registry is used.
Labels are bounded sets (surfaces, owners, reasons, Web API methods), never user text.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess as _mp

CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter("srm_requests", "Questions and actions received, by surface (command, mention, dm, ...)",
                   ["surface"])
DEDUPLICATED = Counter("srm_events_deduplicated", "Deliveries ignored because the question was already claimed "
                       "(Slack retries, the same event on two hosts)")
ANSWERS = Counter("srm_answers", "Answers built, by surface and whether the question was answered",
                  ["surface", "answered"])
OWNER = Counter("srm_owner_given", "Answered questions, by the owner the answer named (aws, customer, shared)",
                ["owner"])
FEEDBACK = Counter("srm_feedback", "Feedback clicks on answers", ["feedback"])
WEB_API_ERRORS = Counter("srm_web_api_errors", "Messages Slack did not accept before the answer's deadline",
                         ["method"])
WEB_API_RETRIES = Counter("srm_web_api_retries", "Web API and response_url calls retried, by why",
                          ["reason"])
ANSWER_SECONDS = Histogram("srm_answer_seconds", "From the claim of a question to its last message delivered",
                           buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 12, 20, 30))
STORE_ERRORS = Counter("srm_store_errors", "Database calls that failed (the answer went out without them)",
                       ["call"])


def answered(surface: str, ok: bool, owner: str | None) -> None:
    ANSWERS.labels(surface, "true" if ok else "false").inc()
    if ok:
        OWNER.labels(owner or "none").inc()


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition() -> bytes:
    """The Prometheus text for this process, or for all of gunicorn's workers in multiprocess mode."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        _mp.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def mark_dead(pid: int) -> None:
    """gunicorn's child_exit: a dead worker's live gauges go (its counters stay in the sums)."""
    if multiprocess_dir():
        _mp.mark_process_dead(pid)
