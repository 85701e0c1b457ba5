"""Claims: one holder at a time across threads and processes, done only when delivered, taken over after the
lease, given up after max attempts — on the store's database."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor

from bot.store import Store, open_store
from bot.store.claims import SqlClaims
from bot.store.records import Privacy


def claims(store: Store, **kw: float) -> SqlClaims:
    c = store.claims
    for k, v in kw.items():
        setattr(c, k, v)
    return c


def _claim(args: tuple[str, str]) -> bool:
    url, key = args
    s = open_store(url, Privacy())
    try:
        return s.claims.claim(key, "{}") is not None
    finally:
        s.close()


def test_first_claim_wins_and_repeats_lose_while_the_lease_runs(store: Store) -> None:
    c = claims(store, lease=30)
    assert c.claim("Ev1", "{}", now=100.0) is not None
    assert c.claim("Ev1", "{}", now=110.0) is None
    assert c.claim("Ev2", "{}", now=110.0) is not None


def test_survives_a_restart(store_url: str) -> None:
    assert _claim((store_url, "Ev1"))
    assert not _claim((store_url, "Ev1"))  # a new process, same database


def test_exactly_one_of_many_threads_wins(store: Store) -> None:
    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(lambda _: store.claims.claim("EvTHREADS", "{}") is not None, range(200)))
    assert results.count(True) == 1


def test_exactly_one_of_many_processes_wins(store: Store, store_url: str) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_claim, [(store_url, f"EvRACE{i % 3}") for i in range(24)])
    assert results.count(True) == 3


def test_an_abandoned_claim_is_taken_over_after_the_lease_with_its_progress(store: Store) -> None:
    c = claims(store, lease=30)
    first = c.claim("Ev1", '{"kind": "share"}', now=100.0)
    assert first is not None and c.progress(first, 1)
    assert c.take_abandoned(10, now=120.0) == []
    [again] = c.take_abandoned(10, now=131.0)
    assert (again.key, again.job, again.sent) == ("Ev1", '{"kind": "share"}', 1)
    assert c.done(first) is False  # the old holder lost it: it may not mark it done
    assert c.done(again) is True
    assert c.claim("Ev1", "{}", now=1000.0) is None  # done is done, lease or not
    assert c.state("Ev1") == ("done", 2, 1)


def test_a_retry_after_the_lease_takes_over_an_unfinished_claim(store: Store) -> None:
    c = claims(store, lease=30)
    assert c.claim("Ev1", "{}", now=100.0) is not None
    assert c.claim("Ev1", "{}", now=129.0) is None
    assert c.claim("Ev1", "{}", now=131.0) is not None


def test_a_deferred_claim_is_taken_by_the_next_sweep(store: Store) -> None:
    c = claims(store, lease=30)
    claim = c.claim("Ev1", "{}", now=100.0)
    assert claim is not None
    c.defer(claim)
    assert [x.key for x in c.take_abandoned(5, now=100.5)] == ["Ev1"]


def test_given_up_after_max_attempts_and_pruned_after_a_day(store: Store) -> None:
    c = claims(store, lease=30, max_attempts=2)
    c.claim("Ev1", "{}", now=100.0)
    assert c.claim("Ev1", "{}", now=200.0) is not None
    assert c.claim("Ev1", "{}", now=300.0) is None
    assert c.expire(now=300.0) == ["Ev1"]
    assert c.state("Ev1")[0] == "failed"
    c.expire(now=100.0 + 25 * 3600)
    assert c.state("Ev1") is None


def test_done_forgets_the_job_which_may_hold_the_question(store: Store) -> None:
    c = store.claims
    claim = c.claim("Ev1", '{"text": "who patches our secret project"}')
    assert claim is not None and c.done(claim, 1)
    with store._db().connect() as conn:
        assert conn.exec_driver_sql("SELECT job FROM claims").scalar() == ""
