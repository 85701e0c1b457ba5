"""The new surfaces in-process (Job → messages): follow-ups with thread context, control IDs everywhere, the
shortcut's edge cases, suggested prompts, and what happens when the database is down."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.engine import EXAMPLES, Engine
from bot.render import blocks as bk
from bot.slack.delivery import RESPONSE_URL, Send
from bot.slack.learning import Loop
from bot.slack.listeners.replies import plan, shortcut_job
from bot.slack.state import Surfaces
from bot.slack.work import Job
from bot.store import open_store
from bot.store.schema import answers
from tests.slack import payloads


class MemoryStore:
    """A test double of bot.store's surface API (the real one is a database)."""

    def __init__(self) -> None:
        self.contexts: dict[tuple[str, str, str], dict] = {}
        self.quizzes: dict[tuple[str, str], dict] = {}

    def get_context(self, team: str, channel: str, thread: str, now: float | None = None) -> dict | None:
        return self.contexts.get((team, channel, thread))

    def put_context(self, team: str, channel: str, thread: str, context: dict, now: float | None = None) -> None:
        self.contexts[(team, channel, thread)] = context

    def get_quiz(self, team: str, user: str) -> dict | None:
        return self.quizzes.get((team, user))

    def put_quiz(self, team: str, user: str, progress: dict) -> None:
        self.quizzes[(team, user)] = progress


class DownStore:
    def __getattr__(self, name: str) -> Any:
        def fail(*args: object, **kwargs: object) -> None:
            raise ConnectionError("database is down")
        return fail


def run(engine: Engine, job: Job, store: object = None) -> list[Send]:
    sends = plan(engine, bk.home_view(engine.kb, EXAMPLES), job, Surfaces(store))  # type: ignore[arg-type]
    for s in sends:
        for b in Block.parse_all(s.kwargs.get("blocks") or []):
            b.to_dict()
    return sends


def mention(text: str, thread: str = "1700000000.000100", channel: str = "C111", n: int = 0) -> Job:
    return Job(f"ev:{thread}:{n}:{text}", "mention", f"<@UBOTSRM01> {text}", channel=channel, thread_ts=thread,
               user="U1", team="T111")


def dm(text: str, channel: str = "D111", thread: str | None = None) -> Job:
    return Job(f"ev:dm:{text}", "dm", text, channel=channel, thread_ts=thread, user="U1", team="T111")


def said(sends: list[Send]) -> str:
    return json.dumps([s.kwargs for s in sends], ensure_ascii=False)


def test_a_follow_up_in_the_thread_keeps_the_duty_and_switches_the_service(engine: Engine) -> None:
    store = MemoryStore()
    run(engine, mention("who patches the guest os on ec2?"), store)
    assert store.contexts[("T111", "C111", "1700000000.000100")]["service"] == "ec2"
    [reply] = run(engine, mention("and on fargate?", n=1), store)
    assert reply.kwargs["thread_ts"] == "1700000000.000100"
    assert "AWS Fargate" in reply.kwargs["text"] and "same question as before" in reply.kwargs["text"]
    assert store.contexts[("T111", "C111", "1700000000.000100")]["service"] == "fargate"


def test_a_follow_up_naming_a_duty_keeps_the_service(engine: Engine) -> None:
    store = MemoryStore()
    run(engine, dm("who patches rds?"), store)
    [reply] = run(engine, dm("and backups?"), store)
    assert "RDS" in reply.kwargs["text"] and "backup" in reply.kwargs["text"].lower()


def test_context_belongs_to_its_thread_and_a_full_question_wins(engine: Engine) -> None:
    store = MemoryStore()
    run(engine, mention("who patches the guest os on ec2?"), store)
    other = run(engine, mention("what about lambda?", thread="1700000000.000999"), store)[0].kwargs["text"]
    assert "same question as before" not in other
    fresh = run(engine, mention("who manages kms key policies?", n=2), store)[0].kwargs["text"]
    assert "KMS" in fresh and "same question" not in fresh


def test_a_database_that_is_down_never_loses_the_answer(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="srm.state"):
        [reply] = run(engine, mention("who patches rds?"), DownStore())
        [home] = run(engine, Job("ev:h", "home", user="U1", team="T111"), DownStore())
        [quiz] = run(engine, Job("cmd:q", "command", "quiz", user="U1", team="T111", response_url="http://r"),
                     DownStore())
    assert "AWS" in reply.kwargs["text"] and home.kwargs["view"]["type"] == "home"
    assert "Quiz question 1 of 10" in quiz.kwargs["text"]
    assert any(r.message == "store unavailable" for r in caplog.records)


@pytest.mark.parametrize("job", [
    Job("cmd:1", "command", "who owns EC2.8?", response_url="http://r", team="T111"),
    mention("Security Hub control EC2.8 failed — whose job?"),
    dm("who owns EC2.8"),
])
def test_security_hub_ids_on_every_surface(engine: Engine, job: Job) -> None:
    [reply] = run(engine, job, MemoryStore())
    assert "EC2.8" in reply.kwargs["text"] and reply.kwargs["text"].startswith("You (the customer)")
    assert "securityhub/latest/userguide/ec2-controls.html#ec2-8" in said([reply])


@pytest.mark.parametrize(("text", "word"), [("who owns S3.4?", "retired"), ("who owns EC2.999?", "don't know")])
def test_retired_and_unknown_ids_are_never_guessed(engine: Engine, text: str, word: str) -> None:
    [reply] = run(engine, Job("cmd:2", "command", text, response_url="http://r"))
    assert word in reply.kwargs["text"] and "share_answer" not in said([reply])


def test_the_shortcut_answers_privately_with_share(engine: Engine) -> None:
    job = shortcut_job(payloads.shortcut("message_securityhub_attachments", "http://r/sc"))
    [reply] = run(engine, job)
    assert reply.method == RESPONSE_URL and reply.url == "http://r/sc"
    assert reply.kwargs["response_type"] == "ephemeral" and "EC2.8" in reply.kwargs["text"]
    assert "share_answer" in said([reply])


@pytest.mark.parametrize("message", [{"type": "message", "text": ""}, {"attachments": [{"image_url": "x"}]},
                                     {"blocks": [{"type": "image", "image_url": "x", "alt_text": ""}]}])
def test_the_shortcut_on_a_message_with_nothing_to_read_says_so(engine: Engine, message: dict) -> None:
    [reply] = run(engine, shortcut_job(payloads.shortcut(message, "http://r/empty")))
    assert reply.kwargs["response_type"] == "ephemeral" and "no text" in reply.kwargs["text"]


def test_the_messages_tab_gets_four_suggested_prompts(engine: Engine) -> None:
    [call] = run(engine, Job("ev:p", "prompts", channel="D0442US94JD", user="U1", team="T111"))
    assert call.method == "assistant.threads.setSuggestedPrompts"
    assert call.kwargs["channel_id"] == "D0442US94JD" and "thread_ts" not in call.kwargs
    assert len(call.kwargs["prompts"]) == 4 and all(p["title"] and p["message"] for p in call.kwargs["prompts"])


def test_every_suggested_prompt_is_answered(engine: Engine) -> None:
    for p in bk.SUGGESTED_PROMPTS:
        [reply] = run(engine, dm(p["message"]), MemoryStore())
        assert "not sure" not in reply.kwargs["text"], p


def test_the_home_tab_shows_quiz_progress(engine: Engine) -> None:
    store = MemoryStore()
    last = {"run": "r", "score": 7, "of": 10, "on": "2026-11-26"}
    store.quizzes[("T111", "U1")] = {"runs": 2, "best": 9, "last": last}
    [call] = run(engine, Job("ev:h", "home", user="U1", team="T111"), store)
    shown = json.dumps(call.kwargs["view"])
    assert "Last round: 7/10" in shown and "best 9" in shown and bk.QUIZ_START in shown


def test_follow_ups_and_quiz_progress_live_in_the_database(engine: Engine, tmp_path: Path) -> None:
    """Two store handles on one file, as two gunicorn workers have: what one wrote, the other reads."""
    url = f"sqlite:///{tmp_path / 'srm.sqlite3'}"
    one, two = open_store(url), open_store(url)
    run(engine, mention("who patches the guest os on ec2?"), one)
    [reply] = run(engine, mention("what about lambda?", n=1), two)
    assert "AWS Lambda" in reply.kwargs["text"] and "same question as before" in reply.kwargs["text"]
    run(engine, Job("cmd:quiz-db", "command", "quiz", user="U1", team="T111", response_url="http://r"), one)
    assert two.get_quiz("T111", "U1")["current"]["answered"] == 0


def test_thread_context_is_forgotten_after_a_day(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'srm.sqlite3'}")
    store.put_context("T111", "C111", "1.1", {"duty": "guest-os-patching", "service": "ec2"}, now=1_000_000.0)
    assert store.get_context("T111", "C111", "1.1", now=1_000_000.0 + 3600) is not None
    assert store.get_context("T111", "C111", "1.1", now=1_000_000.0 + 25 * 3600) is None


def test_one_plan_with_state_and_the_learning_loop(engine: Engine, tmp_path: Path) -> None:
    """The surfaces' state and the learning loop on one store: a shortcut's answer is recorded, a quiz round
    is not, and an admin's Home tab shows both the quiz progress and the week's gaps."""
    store = open_store(f"sqlite:///{tmp_path / 'srm.sqlite3'}")
    loop = Loop(store, escalation_channel="C0ESC", admins=frozenset({"U1"}))
    home = bk.home_view(engine.kb, EXAMPLES)
    finding = payloads.shortcut("message_securityhub_attachments", "http://r/sc")
    [answer] = plan(engine, home, shortcut_job(finding), Surfaces(store), loop)
    assert "EC2.8" in answer.kwargs["text"]
    assert json.loads(next(e["value"] for b in answer.kwargs["blocks"] if b["type"] == "actions"
                           for e in b["elements"] if e["action_id"] == bk.UNHELPFUL))["a"]
    plan(engine, home, Job("cmd:quiz-both", "command", "quiz", user="U1", team="T111", response_url="http://r"),
         Surfaces(store), loop)
    store.put_quiz("T111", "U1", {"runs": 2, "best": 9, "last": {"run": "r", "score": 7, "of": 10, "on": "2026-11-26"}})
    [published] = plan(engine, home, Job("ev:home-both", "home", user="U1", team="T111"), Surfaces(store), loop)
    shown = json.dumps(published.kwargs["view"])
    assert "Knowledge gaps this week" in shown and "Last round: 7/10" in shown
    assert len(published.kwargs["view"]["blocks"]) <= 100
    surfaces = [r["surface"] for r in store.rows(answers, 0)]
    assert surfaces == ["shortcut"]
