"""The onboarding quiz: drawn from the knowledge base, no repeats within a run, runs differ, scoring."""

from __future__ import annotations

import random

from bot import quiz
from bot.knowledge.model import KnowledgeBase


def test_a_run_has_ten_different_questions_that_all_resolve(kb: KnowledgeBase) -> None:
    for seed in range(30):
        ids = quiz.draw(kb, random.Random(seed))
        assert len(ids) == quiz.LENGTH == len(set(ids))
        for qid in ids:
            q = quiz.question(kb, qid)
            assert q is not None and q.owner in quiz.OWNERS and q.source.startswith("https://")
            assert q.why and len(q.why) <= 2 * quiz.WHY_CHARS + 20


def test_runs_vary_and_mix_categories_services_and_surprises(kb: KnowledgeBase) -> None:
    runs = [quiz.draw(kb, random.Random(seed)) for seed in range(10)]
    assert len(set(runs)) == 10
    featured = {f"s:{s}:{d}" for s, d in quiz.FEATURED}
    surprising = set(quiz.pools(kb)["surprising"])
    for ids in runs:
        assert any(q.startswith("c:") for q in ids) and any(q.startswith("s:") for q in ids)
        assert any(q in featured for q in ids) and any(q in surprising for q in ids)


def test_featured_overrides_exist(kb: KnowledgeBase) -> None:
    assert len(quiz.pools(kb)["featured"]) >= 5  # RDS patching, EKS nodes, Lambda images, Outposts, KMS…


def test_no_question_gives_its_answer_away(kb: KnowledgeBase) -> None:
    for pool in quiz.pools(kb).values():
        for qid in pool:
            title = kb.duties[qid.rsplit(":", 1)[1]].title.lower().split()
            assert not {"shared", "customer", "aws"} & {w.strip("()") for w in title}


def test_answering_scores_and_remembers_misses(kb: KnowledgeBase) -> None:
    run = quiz.Run("r1", quiz.draw(kb, random.Random(1)))
    right = quiz.question(kb, run.questions[0]).owner
    wrong = next(o for o in quiz.OWNERS if o != quiz.question(kb, run.questions[1]).owner)
    run, _, ok1 = run.answer(kb, right)
    run, q, ok2 = run.answer(kb, wrong)
    assert (ok1, ok2) == (True, False) and (run.answered, run.score, run.missed) == (2, 1, (1,))
    assert q is not None and q.id == run.questions[1]
    assert quiz.Run.from_dict(run.to_dict()) == run


def test_malformed_state_is_refused() -> None:
    for bad in (None, [], {"r": "x"}, {"r": "x", "q": ["a"], "a": 2, "s": 0, "m": []},
                {"r": "x", "q": ["a"], "a": 1, "s": 2, "m": []}, {"r": 1, "q": ["a"], "a": 0, "s": 0, "m": []}):
        assert quiz.Run.from_dict(bad) is None


def test_progress_counts_a_finished_run_once(kb: KnowledgeBase) -> None:
    run = quiz.Run("r1", ("c:infrastructure:guest-os-patching",))
    done, _, _ = run.answer(kb, "customer")
    started = quiz.record(None, run, "2026-11-27")
    assert started["current"] == {"run": "r1", "answered": 0, "score": 0, "of": 1}
    once = quiz.record(started, done, "2026-11-27")
    twice = quiz.record(once, done, "2026-11-27")  # a retried delivery replays the same step
    assert once == twice and once["runs"] == 1 and once["best"] == 1 and "current" not in once
