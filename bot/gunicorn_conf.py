"""gunicorn settings for the Procfile's web process. Override any of them with GUNICORN_CMD_ARGS."""

from __future__ import annotations

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '3000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("SRM_THREADS", "8"))
timeout = 30
graceful_timeout = 10
accesslog = None  # Bolt and srm log every request worth knowing about as JSON
# Load and validate the knowledge base once, in the master, before forking: a missing setting or an
# invalid knowledge base stops the server with one clear message instead of a crash loop of workers.
preload_app = True

