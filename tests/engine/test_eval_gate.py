"""Accuracy gate on the shared development questions (the unpublished set is judged the same way)."""

from __future__ import annotations

import re

import pytest

from bot.engine import Engine
from bot.engine.evaluate import evaluate, load_questions
from tests.conftest import FIXTURES, ROOT, SHARED

DEV = SHARED / "eval" / "dev.yaml"
REALWORLD = SHARED / "eval" / "realworld.yaml"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside this clone (CI has it)")


@needs_shared
def test_dev_set_owner_accuracy_and_no_owner_on_off_topic(engine: Engine) -> None:
    result = evaluate(engine, load_questions(DEV))
    assert result.off_topic > 0 and result.off_topic_claimed == 0, result.report()
    assert result.owner_accuracy >= 0.95, result.report()
    assert result.service_right >= 0.95 * result.service_checked, result.report()


def test_own_question_set_in_the_same_style(engine: Engine) -> None:
    """234 questions written for this project without looking at the engine (tests/fixtures/questions.yaml).
    It has since guided development, so it is a regression gate, not a blind measure."""
    result = evaluate(engine, load_questions(FIXTURES / "questions.yaml"))
    assert result.off_topic >= 20 and result.off_topic_claimed == 0, result.report()
    assert result.owner_accuracy >= 0.93, result.report()


def test_every_duty_and_category_the_seeds_name_is_answered(engine: Engine) -> None:
    """tests/fixtures/seed_questions.yaml: one question per duty or category in ../shared/seeds."""
    result = evaluate(engine, load_questions(FIXTURES / "seed_questions.yaml"))
    assert result.owner_accuracy >= 0.95, result.report()


REALWORLD_FLOOR = 0.95  # issue 7: at least 95% right owner on ../shared/eval/realworld.yaml
BLIND_REAL_FLOOR = 0.85  # the blind real-question sets (a–d; b and d held out): README has their scores
CONFIDENT_FLOOR = 0.98  # right owner among answers at confidence ≥ 0.9 on real questions
TRAPS = ROOT / "bench" / "blind_r.yaml"  # 150 off-topic traps among 50 real questions


@pytest.mark.parametrize("path", sorted(set((ROOT / "bench").glob("blind_*.yaml")) - {TRAPS}), ids=lambda p: p.stem)
def test_independent_question_sets_stay_above_the_bar(engine: Engine, path) -> None:
    """bench/blind_*.yaml: written without seeing the engine, scored blind, then used to find general
    weaknesses (README). Regression gate: 95% right owner and never an owner on an off-topic question."""
    result = evaluate(engine, load_questions(path))
    assert result.off_topic_claimed == 0, result.report()
    assert result.owner_accuracy >= 0.95, result.report()


def test_off_topic_traps_rarely_get_an_owner(engine: Engine) -> None:
    """bench/blind_r.yaml: how-to, pricing, other clouds, offices and homes, words like 'patch' or
    'firewall' used outside AWS. A few remain out of reach ('who is on call for the rds alerts
    tonight'); the gate keeps them few."""
    result = evaluate(engine, load_questions(TRAPS))
    assert result.off_topic_claimed <= 0.03 * result.off_topic, result.report()
    assert result.owner_accuracy >= 0.95, result.report()


@needs_shared
def test_real_questions_stay_above_the_bar(engine: Engine) -> None:
    """../shared/eval/realworld.yaml: what people really wrote. The target is 95% (README says where we are);
    this gate keeps what has been reached, and that a confident answer is rarely a wrong one."""
    result = evaluate(engine, load_questions(REALWORLD))
    assert result.owner_accuracy >= REALWORLD_FLOOR, result.report()
    assert result.off_topic > 0 and result.off_topic_claimed == 0, result.report()  # no owner on any trap
    assert result.service_right >= 0.95 * result.service_checked, result.report()
    right, total = result.bands["≥ 0.9"]
    assert total and right / total >= CONFIDENT_FLOOR, result.report()
    assert result.topic_fit >= 0.8 * result.topic_checked, result.report()


@pytest.mark.parametrize("path", sorted((ROOT / "bench").glob("realworld_*.yaml")), ids=lambda p: p.stem)
def test_blind_real_question_sets_stay_above_the_bar(engine: Engine, path) -> None:
    """bench/realworld_*.yaml: real questions gathered blind by colleagues (b is held out: README)."""
    result = evaluate(engine, load_questions(path))
    assert result.owner_accuracy >= BLIND_REAL_FLOOR, result.report()
    assert result.off_topic_claimed <= 0.2 * result.off_topic, result.report()


HELD_OUT = sorted((ROOT / "bench" / "heldout").glob("*.yaml"))
# read, but below the development bar (README: which and why): like held-out sets, only guarded against getting worse
BELOW_BAR = sorted((ROOT / "bench" / "below_bar").glob("*.yaml"))
_BASELINE = re.compile(r"^# baseline: owner (?P<owner>[0-9.]+), traps (?P<traps>\d+)$", re.MULTILINE)


@pytest.mark.parametrize("path", [*HELD_OUT, *BELOW_BAR], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_held_out_sets_never_fall_below_their_blind_score(engine: Engine, path) -> None:
    """bench/heldout/: scored once, blind, and never read since. Not tuned to, so not held to the bars above
    (README: they are the honest estimate, below the aim); only guarded against getting worse."""
    baseline = _BASELINE.search(path.read_text(encoding="utf-8"))
    assert baseline, f"{path.name} has no '# baseline: owner X, traps N' line"
    result = evaluate(engine, load_questions(path))
    assert result.owner_accuracy >= float(baseline["owner"]), result.report()
    assert result.off_topic_claimed <= int(baseline["traps"]), result.report()


ALL_SETS = sorted([*(ROOT / "bench").glob("*.yaml"), FIXTURES / "questions.yaml", FIXTURES / "seed_questions.yaml",
                   *(p for p in (DEV, REALWORLD) if p.exists())])


@pytest.mark.parametrize("path", ALL_SETS, ids=lambda p: p.stem)
def test_confident_answers_are_right(engine: Engine, path) -> None:
    """Confidence means something: on every question set, answers at ≥ 0.9 name the right owner at least 98%
    of the time (issue 7; the README's calibration table has every band)."""
    right, total = evaluate(engine, load_questions(path)).bands["≥ 0.9"]
    assert total == 0 or right / total >= 0.98, f"{right}/{total} right at confidence ≥ 0.9"
