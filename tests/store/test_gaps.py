"""`srm gaps` on seeded records: unanswered questions grouped by wording, unknown services, low confidence,
👎 by service and duty with comments, corrections; Markdown, JSON, and the ranking."""

from __future__ import annotations

import json
import time

import pytest

from bot.cli import main
from bot.render import gaps as render
from bot.store import AnswerRecord, Correction, FeedbackAbout, Store
from bot.store.gaps import gaps, parse_since

DAY = 86400


def seed(store: Store, now: float) -> None:
    missed = ["who patches the zebra", "Who patches the zebra?", "who patches zebras", "what's for lunch"]
    for i, q in enumerate(missed):
        store.record_answer(AnswerRecord("mention", False, question=q, reason="unsure", id=f"m{i}", at=now - 60))
    for i in range(2):
        store.record_answer(AnswerRecord("command", False, question=f"who encrypts aws zorblax {i}",
                                         reason="unknown_service", detail="aws zorblax", id=f"u{i}", at=now - 60))
    store.record_answer(AnswerRecord("dm", True, question="who is responsible for rds engine patching",
                                     owner="aws", service="rds", duty="engine-patching", confidence=0.85,
                                     id="low", at=now - 60))
    store.record_answer(AnswerRecord("dm", True, question="who patches rds", owner="aws", service="rds",
                                     duty="engine-patching", confidence=1.0, id="rds", at=now - 60))
    store.record_answer(AnswerRecord("dm", False, question="ancient", reason="unsure", id="old", at=now - 30 * DAY))
    store.record_feedback("rds", False, "RDS Custom is different", key="f1")
    store.record_feedback("rds", True, key="f2")
    store.record_feedback(None, False, key="f3", about=FeedbackAbout(question="who backs up s3", service="s3",
                                                                     duty="backups"))
    store.record_correction(Correction("On RDS Custom the OS is yours", answer_id="rds", right_owner="customer",
                                       source_url="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/custom.html"))


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store, time.time())
    return store


def test_the_report_groups_ranks_and_explains(seeded: Store) -> None:
    r = gaps(seeded, 7 * DAY)
    assert (r.answers, r.answered, r.feedback_up, r.feedback_down) == (8, 2, 1, 2)
    zebra, lunch = r.unanswered
    assert zebra.count == 3 and zebra.reasons == ("not understood",) and len(zebra.questions) == 3
    assert lunch.example == "what's for lunch"
    [unknown] = r.unknown_services
    assert (unknown.name, unknown.count) == ("aws zorblax", 2)
    [low] = r.low_confidence
    assert (low.service, low.duty, low.count, low.confidence) == ("rds", "engine-patching", 1, 0.85)
    rds, s3 = r.downvotes
    assert (rds.service, rds.duty, rds.count, rds.helpful) == ("rds", "engine-patching", 1, 1)
    assert rds.comments == ("RDS Custom is different", "On RDS Custom the OS is yours")
    assert rds.questions == ("who patches rds",) and s3.questions == ("who backs up s3",)
    [fix] = r.corrections
    assert (fix.question, fix.service, fix.right_owner) == ("who patches rds", "rds", "customer")
    assert [g.kind for g in r.top[:2]] == ["unanswered", "correction"]  # 3 rewordings; a correction weighs 3
    assert {g.kind for g in r.top[2:4]} == {"downvote", "unknown_service"}


def test_since_limits_the_window() -> None:
    assert parse_since("7d") == 7 * DAY and parse_since("24h") == DAY and parse_since("2w") == 14 * DAY
    with pytest.raises(ValueError, match="--since"):
        parse_since("soon")


def test_markdown_pastes_into_a_pull_request(seeded: Store) -> None:
    seeded.record_answer(AnswerRecord("dm", False, question="ping @octocat | <b>bold</b> *x*", reason="unsure",
                                      id="md"))
    md = render.markdown(gaps(seeded, 7 * DAY))
    assert md.startswith("## srm knowledge gaps, ")
    for heading in ("### What to add next", "### Not answered, grouped by wording", "### Unknown services",
                    "### Answered with low confidence", "### 👎 by service and duty", "### Suggested corrections"):
        assert heading in md
    assert "RDS Custom is different" in md and "aws zorblax" in md
    table_rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert all(line.count(" | ") == line.split("\n")[0].count(" | ") for line in table_rows[:1])
    assert "@octocat" not in md and "<b>" not in md and "\\|" in md  # no GitHub mention, no HTML, no broken table


def test_cli_text_and_json(seeded: Store, store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gaps", "--database", store_url]) == 0
    out = capsys.readouterr().out
    assert "who patches the zebra" in out and "aws zorblax" in out
    assert main(["gaps", "--since", "1d", "--json", "--database", store_url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unknown_services"][0]["name"] == "aws zorblax" and data["answers"] == 8
    assert data["downvotes"][0]["comments"] == ["RDS Custom is different", "On RDS Custom the OS is yours"]
    assert main(["gaps", "--since", "whenever", "--database", store_url]) == 2


def test_an_empty_store_says_so(store: Store) -> None:
    md = render.markdown(gaps(store, 7 * DAY))
    assert "Nothing: every question was answered" in md
