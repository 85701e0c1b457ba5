"""The event store answers each event_id once, across processes sharing the file and across restarts."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from bot.slack.dedupe import EventStore


def _claim(args: tuple[str, str]) -> bool:
    path, event_id = args
    return EventStore(Path(path)).claim(event_id)


def test_first_claim_wins_and_repeats_lose(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "events.sqlite3")
    assert store.claim("Ev1") is True
    assert store.claim("Ev1") is False
    assert store.claim("Ev2") is True


def test_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite3"
    assert EventStore(path).claim("Ev1") is True
    assert EventStore(path).claim("Ev1") is False  # a new process, same file


def test_exactly_one_of_many_processes_wins(tmp_path: Path) -> None:
    path = str(tmp_path / "events.sqlite3")
    EventStore(Path(path))
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_claim, [(path, "EvRACE")] * 12)
    assert results.count(True) == 1


def test_old_entries_are_pruned(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "events.sqlite3")
    store.claim("EvOld", now=0.0)
    store.claim("EvNew", now=97 * 10_000.0)  # a prune tick, long after EvOld
    assert store.claim("EvOld", now=97 * 10_000.0 + 1) is True
