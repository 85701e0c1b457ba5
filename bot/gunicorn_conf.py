"""gunicorn settings for the Procfile's web process. Override any of them with GUNICORN_CMD_ARGS.

Deploy behind a proxy that buffers whole requests (nginx, a cloud load balancer, Heroku's router): slow
clients then cost the proxy, not a gunicorn thread. The settings below still hold on their own: gthread
keeps every accepted connection on a thread, so a worker accepts only as many connections as it has
threads (worker_connections) and the others wait in the kernel's queue for a worker with a free thread,
rather than behind a slow sender inside a busy one.
"""

from __future__ import annotations

import os
from typing import Any

bind = f"0.0.0.0:{os.environ.get('PORT', '3000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("SRM_THREADS", "32"))  # HTTP threads: they only verify, claim and ack
worker_connections = threads  # never queue an accepted connection behind a slow one in the same worker
keepalive = 0  # a kept-alive connection would hold one of those threads; the proxy reconnects cheaply
timeout = 30  # a worker silent this long is killed and replaced (its claims are taken over after the lease)
graceful_timeout = 25  # SIGTERM: finish requests and drain in-flight answers (at most deadline + call timeout)
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = None  # Bolt and srm log every request worth knowing about as JSON
# Load and validate the knowledge base once, in the master, before forking: a missing setting or an
# invalid knowledge base stops the server with one clear message instead of a crash loop of workers.
preload_app = True


def post_worker_init(worker: Any) -> None:
    """Each worker starts its own sweeper (threads do not survive the fork from the master)."""
    start = getattr(worker.wsgi, "start", None)
    if callable(start):
        start()


def worker_exit(server: Any, worker: Any) -> None:
    """SIGTERM or max-requests: gunicorn has stopped accepting and finished requests; drain the answers."""
    stop = getattr(worker.wsgi, "stop", None)
    if callable(stop):
        stop()
