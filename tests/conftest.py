"""Shared fixtures: the real knowledge base (loaded once) and an engine on it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.knowledge.loader import load
from bot.knowledge.model import KnowledgeBase
from tests.pg import postgres  # noqa: F401 (the throwaway PostgreSQL server fixture)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load(ROOT / "knowledge")


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb, today=TODAY)


def anchored(kbdir: Path) -> Path:
    """The mini knowledge base copied to `kbdir`, with every source naming a section (as `srm validate` wants)."""
    import re
    import shutil

    shutil.copytree(FIXTURES / "mini_kb", kbdir)
    path = kbdir / "kb.yaml"
    def section(m: re.Match[str]) -> str:
        return f'"{m[1]}#{m[1].rsplit("/", 1)[-1].removesuffix(".html")}"'

    path.write_text(re.sub(r'"(https://[^"#]+?)/?"', section, path.read_text()))
    return kbdir
