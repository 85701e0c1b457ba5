"""Claims: one holder at a time across processes, done only when delivered, taken over after the lease."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from bot.slack.dedupe import EventStore


def _claim(args: tuple[str, str]) -> bool:
    path, event_id = args
    return EventStore(Path(path)).claim(event_id, "{}") is not None


def test_first_claim_wins_and_repeats_lose_while_the_lease_runs(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "events.sqlite3", lease=30)
    assert store.claim("Ev1", "{}", now=100.0) is not None
    assert store.claim("Ev1", "{}", now=110.0) is None
    assert store.claim("Ev2", "{}", now=110.0) is not None


def test_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite3"
    assert EventStore(path).claim("Ev1", "{}") is not None
    assert EventStore(path).claim("Ev1", "{}") is None  # a new process, same file


def test_exactly_one_of_many_processes_wins(tmp_path: Path) -> None:
    path = str(tmp_path / "events.sqlite3")
    EventStore(Path(path))
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_claim, [(path, "EvRACE")] * 12)
    assert results.count(True) == 1


def test_an_abandoned_claim_is_taken_over_after_the_lease_with_its_progress(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "events.sqlite3", lease=30)
    first = store.claim("Ev1", '{"kind": "share"}', now=100.0)
    assert first is not None and store.progress(first, 1)
    assert store.take_abandoned(10, now=120.0) == []
    [again] = store.take_abandoned(10, now=131.0)
    assert (again.key, again.job, again.sent) == ("Ev1", '{"kind": "share"}', 1)
    assert store.done(first) is False  # the old holder lost it: it may not mark it done
    assert store.done(again) is True
    assert store.claim("Ev1", "{}", now=1000.0) is None  # done is done, lease or not
    assert store.state("Ev1") == ("done", 2, 1)


def test_a_retry_after_the_lease_takes_over_an_unfinished_claim(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "events.sqlite3", lease=30)
    assert store.claim("Ev1", "{}", now=100.0) is not None
    assert store.claim("Ev1", "{}", now=129.0) is None
    assert store.claim("Ev1", "{}", now=131.0) is not None


def test_a_deferred_claim_is_taken_by_the_next_sweep(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "events.sqlite3", lease=30)
    claim = store.claim("Ev1", "{}", now=100.0)
    assert claim is not None
    store.defer(claim)
    assert [c.key for c in store.take_abandoned(5, now=100.5)] == ["Ev1"]


def test_given_up_after_max_attempts_and_pruned_after_a_day(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "events.sqlite3", lease=30, max_attempts=2)
    store.claim("Ev1", "{}", now=100.0)
    assert store.claim("Ev1", "{}", now=200.0) is not None
    assert store.claim("Ev1", "{}", now=300.0) is None
    assert store.expire(now=300.0) == ["Ev1"]
    assert store.state("Ev1")[0] == "failed"
    store.expire(now=100.0 + 25 * 3600)
    assert store.state("Ev1") is None
