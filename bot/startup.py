"""What every process does before serving: settings, knowledge base, engine. Failures are one clear line."""

from __future__ import annotations

import sys

from bot.config import ConfigError, Settings
from bot.engine import Engine
from bot.engine.compiled import load_engine
from bot.knowledge.errors import KnowledgeError


def prepare(mode: str) -> tuple[Settings, Engine]:
    """Return settings and engine, or exit 1 with a message naming the problem (never a traceback)."""
    try:
        settings = Settings.from_env(mode=mode)
        return settings, load_engine(settings.knowledge_dir)
    except ConfigError as exc:
        print(f"srm: {exc}", file=sys.stderr)
    except KnowledgeError as exc:
        print(f"srm: refusing to start, the knowledge base is invalid ({len(exc.problems)} problem(s)):",
              file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
    raise SystemExit(1)
