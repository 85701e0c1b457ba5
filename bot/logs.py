"""Structured logs: one JSON object per line on stderr, so feedback and errors can be queried."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Mapping
from typing import Any

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {"ts": round(time.time(), 3), "level": record.levelname.lower(), "logger": record.name,
                "msg": record.getMessage()}
        data.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(data, ensure_ascii=False, default=str)


class AccessJsonFormatter(JsonFormatter):
    """gunicorn's access log (its record's args are the request's "atoms") as one JSON object: method, path,
    status, bytes and duration, never the query string, headers or the client's address."""

    def format(self, record: logging.LogRecord) -> str:
        atoms: Mapping[str, Any] = record.args if isinstance(record.args, Mapping) else {}
        if not atoms:
            return super().format(record)
        data = {"ts": round(time.time(), 3), "level": record.levelname.lower(), "logger": record.name,
                "msg": "request", "method": atoms.get("m"), "path": atoms.get("U"), "status": _int(atoms.get("s")),
                "bytes": _int(atoms.get("B")), "duration_ms": round((_int(atoms.get("D")) or 0) / 1000, 1)}
        return json.dumps(data, ensure_ascii=False, default=str)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def gunicorn_config(level: str = "INFO") -> dict[str, Any]:
    """A logging.config dict for gunicorn's `logconfig_dict`: its error and access lines in the app's format,
    all on stderr like the app's own."""
    def handler(formatter: str) -> dict[str, Any]:
        return {"class": "logging.StreamHandler", "formatter": formatter, "stream": "ext://sys.stderr"}

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}, "access": {"()": AccessJsonFormatter}},
        "handlers": {"json": handler("json"), "access": handler("access")},
        "root": {"level": "WARNING", "handlers": ["json"]},  # INFO once bot.logs.setup runs (after imports)
        "loggers": {"gunicorn.error": {"level": level, "handlers": ["json"], "propagate": False},
                    "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False}},
    }


def setup(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
