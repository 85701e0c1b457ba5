"""The compiled-engine cache: same answers, rebuilt when a knowledge file changes, never trusted blindly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine.compiled import load_engine
from bot.knowledge.errors import KnowledgeError
from tests.conftest import FIXTURES


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURES / "mini_kb", kb)
    cache = tmp_path / "cache"
    monkeypatch.setenv("SRM_CACHE_DIR", str(cache))
    return kb, cache


def test_second_load_comes_from_the_cache_with_the_same_answers(setup: tuple[Path, Path]) -> None:
    kb, cache = setup
    first = load_engine(kb).ask("who patches the guest os on rds")
    [pickled] = cache.glob("engine-*.pickle")
    second = load_engine(kb).ask("who patches the guest os on rds")
    assert first == second and first.owner == "aws"
    assert list(cache.glob("engine-*.pickle")) == [pickled]


def test_editing_knowledge_rebuilds_and_replaces_the_cache(setup: tuple[Path, Path]) -> None:
    kb, cache = setup
    load_engine(kb)
    [old] = cache.glob("engine-*.pickle")
    path = kb / "kb.yaml"
    path.write_text(path.read_text().replace("        owner: aws\n", "        owner: shared\n", 1))
    assert load_engine(kb).ask("who patches the guest os on rds").owner == "shared"
    [new] = cache.glob("engine-*.pickle")
    assert new != old


def test_a_corrupt_cache_falls_back_to_a_full_load(setup: tuple[Path, Path]) -> None:
    kb, cache = setup
    load_engine(kb)
    [pickled] = cache.glob("engine-*.pickle")
    pickled.write_bytes(b"not a pickle")
    assert load_engine(kb).ask("who patches the guest os on ec2").owner == "customer"


def test_an_invalid_knowledge_base_is_never_cached(setup: tuple[Path, Path]) -> None:
    kb, cache = setup
    (kb / "broken.yaml").write_text("duties: [\n")
    with pytest.raises(KnowledgeError):
        load_engine(kb)
    assert not list(cache.glob("engine-*.pickle"))
