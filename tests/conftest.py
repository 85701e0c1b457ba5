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
