"""Follow-ups in a thread: the context of the last answer fills in what a short follow-up leaves out."""

from __future__ import annotations

from bot.engine import Context, Engine


def test_a_follow_up_naming_a_service_keeps_the_duty(engine: Engine) -> None:
    before = Context.of(engine.ask("who patches the guest os on ec2"))
    assert before == Context("guest-os-patching", "ec2", None)
    for question, service in [("what about lambda?", "lambda"), ("and on fargate?", "fargate"),
                              ("same for rds?", "rds")]:
        a = engine.ask(question, before)
        assert (a.service.id, a.duty.id) == (service, "guest-os-patching"), question
        assert a.owner == engine.ask(f"who patches the guest os on {service}").owner
    assert not engine.ask("what about lambda?").answered or engine.ask("what about lambda?").duty is None


def test_a_follow_up_naming_a_duty_keeps_the_service(engine: Engine) -> None:
    before = Context.of(engine.ask("who patches the guest os on ec2"))
    a = engine.ask("and backups?", before)
    assert (a.service.id, a.duty.id, a.owner) == ("ec2", "backups", "customer")


def test_a_fresh_full_question_wins_over_the_context(engine: Engine) -> None:
    before = Context.of(engine.ask("who patches the guest os on ec2"))
    fresh = engine.ask("who encrypts s3 buckets at rest", before)
    assert fresh == engine.ask("who encrypts s3 buckets at rest")


def test_no_context_from_an_unanswered_question_and_none_from_garbage() -> None:
    assert Context.from_dict({"duty": 3}) is None and Context.from_dict("x") is None
    assert Context.from_dict({}) is None
    c = Context("backups", "ec2", None)
    assert Context.from_dict(c.to_dict()) == c


def test_a_stale_context_from_an_older_knowledge_base_is_ignored(engine: Engine) -> None:
    stale = Context(None, "ec2", "a-scenario-that-was-removed")
    assert engine.ask("what about lambda?", stale) == engine.ask("what about lambda?")
    gone = Context("a-duty-that-was-removed", "no-such-service", None)
    assert engine.ask("and backups?", gone) == engine.ask("and backups?")
