"""Security Hub control IDs as questions ("who owns EC2.8?"): every known control is answered from the
control → duty index, retired and unknown ones are said to be so, and nothing else is taken for an ID."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.answer import control_url
from bot.knowledge.model import KnowledgeBase


def test_every_known_control_is_answered_as_yours_with_its_title_and_page(engine: Engine, kb: KnowledgeBase) -> None:
    for cid, control in kb.controls.items():
        a = engine.ask(f"Security Hub says {cid} failed on our account — whose job is that?")
        assert a.answered and a.owner == "customer", cid
        assert a.controls[0].id == cid and control.title in a.summary
        assert a.sources[0] == control_url(cid) and a.sources[0].startswith("https://docs.aws.amazon.com/")
        assert a.customer_does.startswith(f"Make {cid} pass")


def test_a_control_is_answered_on_its_own_service_and_the_duty_its_title_reads_as(engine: Engine) -> None:
    a = engine.ask("who owns ec2.8?")  # any case
    assert (a.service.id, a.duty.id) == ("ec2", "instance-management")
    b = engine.ask("RDS.13 is red")
    assert b.service.id == "rds" and b.duty is not None


@pytest.mark.parametrize("cid", ["S3.4", "ECS.1"])
def test_retired_controls_are_said_to_be_retired_and_point_to_their_replacement(engine: Engine, kb, cid) -> None:
    a = engine.ask(f"who owns {cid}?")
    assert not a.answered and a.reason == "retired_control" and cid in a.summary
    assert all(f"who owns {r}?" in a.suggestions for r in kb.retired_controls[cid])


def test_unknown_control_ids_are_not_guessed(engine: Engine) -> None:
    a = engine.ask("who owns EC2.999?")
    assert not a.answered and a.reason == "unknown_control" and "EC2.999" in a.summary


def test_a_finding_of_an_unknown_control_is_read_from_its_pasted_title_without_citing_it(engine: Engine) -> None:
    a = engine.ask("security hub `[MQ.99] ActiveMQ brokers should stream audit logs to CloudWatch` failed. does "
                   "amazon mq do audit logging for us already?")
    assert a.answered and (a.owner, a.service.id, a.duty.id) == ("customer", "mq", "logging")
    assert "MQ.99" in a.summary and all(c.id != "MQ.99" for c in a.controls) and a.confidence <= 0.8
    assert engine.ask("is EC2.999 failing on us or aws?").reason == "unknown_control"  # nothing else to read


def test_a_control_of_a_family_we_hold_none_of_is_read_as_a_finding_on_the_customers_side(engine: Engine) -> None:
    a = engine.ask("Security Hub flagged `[ElasticBeanstalk.2] Elastic Beanstalk managed platform updates should be "
                   "enabled` on 3 envs. whose action item is this?")
    # the duty is shared on Beanstalk; the control checks the customer's side of it
    assert (a.owner, a.service.id, a.duty.id) == ("customer", "elastic-beanstalk", "runtime-patching")
    assert "ElasticBeanstalk.2" in a.summary and a.summary.startswith("You")
    assert engine.ask("who patches ElasticBeanstalk.7 environments' runtime?").answered  # not known to be wrong


def test_versions_and_file_names_are_not_control_ids(engine: Engine) -> None:
    m = engine.matcher.match("our python3.12 lambda on v1.2 of the layer and node 3.13, who patches the runtime?")
    assert not (m.controls or m.retired_controls or m.unknown_controls)


def test_no_answer_recommends_a_control_that_checks_something_else(engine: Engine, kb: KnowledgeBase) -> None:
    """Every control in an answer evidences the duty answered, and only on the services it checks (SSM.1 and
    Inspector.1 are EC2's, never an RDS answer's)."""
    import datetime as dt

    from bot.engine.answer import for_duty

    misfits = []
    for service in kb.services.values():
        for duty in kb.duties.values():
            a = for_duty(kb, "q", duty, service, 1.0, dt.date(2026, 11, 27))
            for c in a.controls:
                control = kb.controls[c.id]
                if a.duty.id not in control.evidences or (control.services and service.id not in control.services):
                    misfits.append(f"{service.id}/{a.duty.id}: {c.id}")
    assert not misfits, misfits[:20]


def test_a_control_pasted_as_context_leaves_the_answer_to_the_clause_that_asks(engine: Engine) -> None:
    pasted = engine.ask("security hub flags RDS.13 on our orders db (auto minor version upgrade is off). separately, "
                        "who is responsible for the physical security of the data center it runs in?")
    assert (pasted.owner, pasted.duty.id) == ("aws", "physical-security")
    asked = engine.ask("security hub flags RDS.13 on our orders db. who has to fix RDS.13?")
    assert asked.controls and asked.controls[0].id == "RDS.13"  # the asking clause is about the control
