"""gunicorn settings for the Procfile's web process. Override any of them with GUNICORN_CMD_ARGS.

Deploy behind a proxy that buffers whole requests (nginx, a cloud load balancer, Heroku's router): slow
clients then cost the proxy, not a gunicorn thread. The settings below still hold on their own: gthread
keeps every accepted connection on a thread, so a worker accepts only as many connections as it has
threads (worker_connections) and the others wait in the kernel's queue for a worker with a free thread,
rather than behind a slow sender inside a busy one.

Operations: gunicorn's own lines (errors, and one access line per request) are JSON like the app's
(bot.logs); its control socket is off (it would write under $HOME, which a container keeps read-only);
/metrics sums all workers through prometheus_client's multiprocess mode, in a directory this file sets and
empties at start, before the app is loaded and the workers fork (bot.metrics).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from bot import logs  # stdlib only: nothing here may import prometheus_client before the directory is set

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
logconfig_dict = logs.gunicorn_config()  # access and error lines as JSON (the access line: bot.logs)
control_socket_disable = True  # gunicorn ≥ 24's control socket; older versions ignore the setting
# Load and validate the knowledge base once, in the master, before forking: a missing setting or an
# invalid knowledge base stops the server with one clear message instead of a crash loop of workers.
preload_app = True


def _data_dir() -> Path:
    """bot.store.db.data_dir's rule (importing it here would load prometheus_client too early)."""
    if os.environ.get("SRM_DATA_DIR", "").strip():
        return Path(os.environ["SRM_DATA_DIR"].strip()).expanduser()
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "srm"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def metrics_dir() -> Path:
    """$PROMETHEUS_MULTIPROC_DIR (emptied: it must hold this server's files only), else a directory of this
    master's own under the data directory, where those of masters no longer running are removed. A config
    reload (SIGHUP) in the same master keeps the directory and its running workers' files."""
    if os.environ.get("SRM_METRICS_MASTER") == str(os.getpid()):
        return Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip():
        path = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"].strip())
        if path.is_dir():
            for old in path.glob("*.db"):
                old.unlink(missing_ok=True)
    else:
        parent = _data_dir() / "metrics"
        if parent.is_dir():
            for old in parent.glob("web-*"):
                pid = old.name.removeprefix("web-")
                if pid.isdigit() and not _alive(int(pid)):
                    shutil.rmtree(old, ignore_errors=True)
        path = parent / f"web-{os.getpid()}"
        shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)  # read by prometheus_client at import, in every worker
    os.environ["SRM_METRICS_MASTER"] = str(os.getpid())
    return path


metrics_dir()


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


def child_exit(server: Any, worker: Any) -> None:
    """In the master, when a worker has exited: its live gauges leave the sums (bot.metrics)."""
    from bot import metrics

    metrics.mark_dead(worker.pid)
