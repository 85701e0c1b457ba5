"""Start fast: reuse a compiled engine (validated knowledge + matching index) while nothing changed.

Parsing ~400 KB of YAML, validating it and building the index takes ~0.4 s; unpickling the result takes
a few milliseconds. The cache key is a hash of every knowledge file and of the engine's own source, so
editing either rebuilds it. The cache is an optimisation only: any problem reading or writing it falls
back to a full load, and `srm validate` never uses it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from bot.engine import Engine
from bot.knowledge.paths import default_dir, knowledge_files

_CODE_DIRS = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "knowledge")


def cache_dir() -> Path:
    if env := os.environ.get("SRM_CACHE_DIR", "").strip():
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "srm"


def _key(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in (*files, *(p for d in _CODE_DIRS for p in sorted(d.glob("*.py")))):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def load_engine(directory: Path | str | None = None, *, today: dt.date | None = None,
                use_cache: bool = True) -> Engine:
    """An Engine on the knowledge directory; raises KnowledgeError when the knowledge base is invalid."""
    root = Path(directory) if directory is not None else default_dir()
    files = knowledge_files(root) if root.is_dir() else []
    cached = cache_dir() / f"engine-{_key(files)}.pickle" if use_cache and files else None
    if cached is not None:
        try:
            with cached.open("rb") as f:
                matcher = pickle.load(f)
            return Engine(matcher.kb, today=today, matcher=matcher)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
            pass
    from bot.knowledge.loader import load  # pydantic and YAML only on a cache miss

    engine = Engine(load(root), today=today)
    if cached is not None:
        _store(cached, engine)
    return engine


def _store(path: Path, engine: Engine) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".engine-")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(engine.matcher, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the new one
        for old in path.parent.glob("engine-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
