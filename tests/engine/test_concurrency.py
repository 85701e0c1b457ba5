"""The same answer alone or under load: many threads asking one Engine at once get the single-threaded answer.

The stem cache is cleared before the threaded round so the stemmer itself runs concurrently (a warm cache
would hide a race), and the questions are asked once more alone afterwards to catch a cache that kept a
wrong entry.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.engine.evaluate import load_questions
from bot.engine.text import stem
from bot.knowledge.model import KnowledgeBase
from bot.render.json import dumps
from tests.conftest import FIXTURES, ROOT, TODAY

THREADS = 16


def all_questions() -> list[str]:
    files = sorted(FIXTURES.glob("*.yaml")) + sorted((ROOT / "bench").glob("blind_*.yaml"))
    return [q.q for path in files for q in load_questions(Path(path))]


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Switch threads every 0.5 ms instead of every 5 ms, so races show up in a short test."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(5e-4)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def test_many_threads_get_the_single_threaded_answer(kb: KnowledgeBase, fast_switching: None) -> None:
    engine = Engine(kb, today=TODAY)
    questions = all_questions()
    assert len(questions) >= 3000
    alone = [dumps(engine.ask(q)) for q in questions]

    stem.cache_clear()
    order = list(range(len(questions)))
    order = order[::2] + order[1::2]  # neighbours in a file share words; interleave them across threads
    with ThreadPoolExecutor(THREADS) as pool:
        together = dict(zip(order, pool.map(lambda i: dumps(engine.ask(questions[i])), order), strict=True))
    differ = [questions[i] for i in order if together[i] != alone[i]]
    assert differ == [], f"{len(differ)} answers changed under concurrency, e.g. {differ[:5]}"

    again = [dumps(engine.ask(q)) for q in questions]
    kept = [q for q, a, b in zip(questions, alone, again, strict=True) if a != b]
    assert kept == [], f"{len(kept)} answers changed afterwards (a cache kept a wrong entry), e.g. {kept[:5]}"
