"""Answering rules from DESIGN.md, checked on the shipped knowledge base."""

from __future__ import annotations

import pytest

from bot.engine import Engine


def test_service_override_wins_over_category_default(engine: Engine) -> None:
    ec2 = engine.ask("who patches the guest os on ec2")
    rds = engine.ask("who patches the guest os on rds")
    assert (ec2.owner, ec2.service.id) == ("customer", "ec2")
    assert (rds.owner, rds.service.id) == ("aws", "rds")
    assert ec2.duty.id == rds.duty.id


def test_general_answer_says_where_the_owner_differs_by_category(engine: Engine) -> None:
    a = engine.ask("who is responsible for guest os patching")
    assert a.answered and a.service is None
    owners = dict(a.category_owners)
    assert owners["infrastructure"] == "customer" and owners["container"] == "aws"
    assert "depends on the service" in a.summary.lower()


def test_who_secures_a_service_is_shared_with_its_split(engine: Engine) -> None:
    a = engine.ask("who secures amazon eks?")
    assert (a.owner, a.service.id, a.duty) == ("shared", "eks", None)
    assert a.aws_does and a.customer_does and a.sources


@pytest.mark.parametrize("q", ["who patches azure vms", "gcp bucket encryption who", "who secures gke nodes"])
def test_other_clouds_get_no_owner(engine: Engine, q: str) -> None:
    a = engine.ask(q)
    assert not a.answered and a.owner is None and a.reason == "other_cloud"


def test_a_product_the_named_service_runs_on_is_part_of_its_story_not_another_cloud(engine: Engine) -> None:
    evs = engine.ask("on amazon evs, who patches esxi?")
    assert evs.answered and (evs.owner, evs.service.id) == ("customer", "evs")
    assert engine.ask("who patches esxi on our own vmware cluster?").reason == "other_cloud"  # no AWS service named


def test_a_reporting_tool_alone_does_not_decide_the_owner_of_what_it_reports(engine: Engine) -> None:
    a = engine.ask("Inspector CIS scan on our fleet: 'Ensure /tmp is a separate partition' FAILED on 40 instances. "
                   "does AWS harden the AMI for us or is that ours?")
    # Inspector is an abstracted service, but the hardening it reports on is the workload's, not Inspector's
    assert (a.owner, a.service.id, a.duty.id) == ("customer", "inspector", "os-hardening")
    assert "Inspector" in a.summary

def test_recovery_objectives_are_the_customers_whatever_the_service_replicates(engine: Engine) -> None:
    assert engine.ask("who defines our RTO and RPO for the Aurora cluster?").owner == "customer"
    assert engine.ask("who replicates aurora storage across three AZs?").owner == "aws"

def test_another_cloud_a_move_starts_from_is_not_the_subject(engine: Engine) -> None:
    moved = engine.ask("moving off Azure to Cognito: once our users are in a user pool, who configures MFA?")
    assert moved.answered and (moved.owner, moved.service.id) == ("customer", "cognito")
    assert engine.ask("someone pulled the RAM role credentials from our Alibaba Cloud ECS box").reason == "other_cloud"


@pytest.mark.parametrize("q", ["who patches our exchange server, microsoft or us?", "is that cve google's fix or ours",
                               "who fixes the office door lock", "is the fridge cleanup a shared responsibility lol",
                               "is traffic between two AZs charged per GB?", "a joke for the all-hands"])
def test_a_vendor_offered_as_the_owner_or_office_life_gets_no_owner(engine: Engine, q: str) -> None:
    assert not engine.ask(q).answered


def test_a_vendor_the_knowledge_base_never_saw_offered_as_the_owner_gets_no_owner(engine: Engine) -> None:
    assert not engine.ask("who rotates the root of trust keys on our Zentravault HSM, Zentravault or us?").answered
    assert not engine.ask("is that Gitea's responsibility to fix or ours?").answered
    wordpress = engine.ask("WordPress on Lightsail: does Lightsail patch the OS and WordPress or is that us?")
    assert wordpress.answered and wordpress.service.id == "lightsail"  # a product on the service, not its owner


def test_a_technology_hosted_on_a_platform_we_never_heard_of_is_theirs(engine: Engine) -> None:
    assert engine.ask("who patches the postgres on Zentrahost?").reason == "other_cloud"
    assert engine.ask("who patches the postgres on rds?").owner == "aws"  # the platform is ours to answer


def test_a_vendor_named_beside_aws_as_a_possible_owner_still_gets_an_answer(engine: Engine) -> None:
    a = engine.ask("the docker swarm nodes run on ec2: is patching their os on docker, aws, or us?")
    assert a.answered and a.owner == "customer"


@pytest.mark.parametrize("q", ["whats the weather in paris", "please order pizza", "zxcvbnm asdfgh"])
def test_off_topic_claims_no_owner_and_offers_at_most_three_suggestions(engine: Engine, q: str) -> None:
    a = engine.ask(q)
    assert not a.answered and a.owner is None
    assert 0 < len(a.suggestions) <= 3


def test_every_answer_is_sourced_and_dated(engine: Engine) -> None:
    for q in ["who patches rds", "who encrypts ebs volumes", "our s3 bucket was public", "who secures lambda",
              "who is responsible for physical security"]:
        a = engine.ask(q)
        assert a.answered, q
        assert a.sources and all(s.startswith("https://") for s in a.sources), q
        assert a.reviewed is not None, q


def test_customer_answers_recommend_real_controls(engine: Engine) -> None:
    a = engine.ask("who configures the security group on an ec2 instance")
    assert a.owner == "customer" and a.controls
    assert all(c.id in engine.kb.controls and c.title for c in a.controls)
    assert not {c.id for c in a.controls} & set(engine.kb.retired_controls)


def test_incident_scenario_gives_first_steps_and_prevention(engine: Engine) -> None:
    a = engine.ask("incident: someone pushed an aws access key to a public github repo")
    assert a.answered and a.scenario is not None and a.owner == "customer"
    assert a.steps and a.controls


def test_several_services_are_compared(engine: Engine) -> None:
    a = engine.ask("compare ec2 and rds patching")
    assert a.answered and a.service.id == "ec2" and a.owner == "customer"
    assert [r.service.id for r in a.related] == ["rds"] and a.related[0].owner == "aws"


def test_overdue_entries_are_flagged(kb) -> None:
    import datetime as dt

    later = Engine(kb, today=dt.date(2030, 1, 1)).ask("who patches rds")
    now = Engine(kb, today=dt.date(2026, 11, 23)).ask("who patches rds")
    assert later.outdated and not now.outdated


def test_a_category_named_as_such(engine: Engine) -> None:
    a = engine.ask("who secures abstracted services like s3 and dynamodb?")
    assert (a.answered, a.owner, a.service) == (True, "shared", None)
    assert a.aws_does == engine.kb.categories["abstracted"].aws_does
    b = engine.ask("who patches the operating system on container services")
    assert b.owner == "aws" and "container services" in b.summary.lower()


def test_an_account_wide_tool_applies_to_the_workload(engine: Engine) -> None:
    a = engine.ask("who handles identity and access management for dynamodb")
    assert a.owner == "customer" and a.duty.id == "iam-policies" and a.service.id == "dynamodb"


def test_a_platform_named_after_on_is_the_subject(engine: Engine) -> None:
    a = engine.ask("ecs tasks on fargate - who patches the underlying host os")
    assert a.service.id == "fargate" and a.owner == "aws"


def test_a_stated_setting_selects_the_override_variant(engine: Engine) -> None:
    base = engine.ask("who patches the os on elastic beanstalk")
    off = engine.ask("beanstalk managed updates are turned off, who patches the os")
    on = engine.ask("who applies os patches on beanstalk with managed updates enabled")
    assert (base.owner, off.owner, on.owner) == ("shared", "customer", "aws")
    assert off.duty == on.duty == base.duty
    assert engine.ask("lambda runtime in manual mode, who updates it").owner == "customer"
    assert engine.ask("who patches the lambda runtime").owner == "aws"


def test_how_to_questions_are_not_ownership_questions(engine: Engine) -> None:
    howto = engine.ask("how do i encrypt an ebs volume using the console")
    assert not howto.answered and howto.reason == "howto" and howto.owner is None
    assert engine.ask("dynamodb pricing on-demand vs provisioned").owner is None
    asked = engine.ask("how do we encrypt ebs volumes, is that our job or aws's?")
    assert asked.answered and asked.owner == "customer"


def test_money_is_not_a_security_duty_even_when_it_asks_us_or_aws(engine: Engine) -> None:
    plans = engine.ask("do Compute Savings Plans apply to Fargate automatically or do we have to pick it?")
    assert not plans.answered and plans.reason == "howto"
    # an incident that mentions the bill is still an incident
    leaked = engine.ask("our access key leaked and crypto miners blew through the free tier, who responds?")
    assert leaked.owner == "customer"


def test_without_who_or_a_service_only_a_whole_multiword_duty_counts(engine: Engine) -> None:
    assert engine.ask("DATACENTER PHYSICAL SECURITY").owner == "aws"
    assert engine.ask("data loss prevention policies").owner == "customer"
    for chatter in ("backup singer auditions", "patch notes for the new zelda game", "my macbook wont update"):
        assert engine.ask(chatter).owner is None, chatter


def test_a_nat_gateway_is_maintained_by_aws_a_nat_instance_by_you(engine: Engine) -> None:
    gateway = engine.ask("who patches a NAT gateway?")
    instance = engine.ask("who patches the NAT instance we run in our vpc?")
    routes = engine.ask("who manages the nat gateway routes?")
    assert (gateway.owner, gateway.duty.id) == ("aws", "guest-os-patching")
    assert instance.owner == "customer" and routes.duty.id == "vpc-routing"


@pytest.mark.parametrize("service", ["dynamodb", "kinesis", "secrets manager", "ebs", "s3", "rds"])
def test_the_kind_of_kms_key_stated_decides_key_rotation_on_any_service(engine: Engine, service: str) -> None:
    owned = engine.ask(f"our {service} data is encrypted with an AWS owned key — who rotates that key?")
    managed = engine.ask(f"our {service} data uses the AWS managed key — who rotates it?")
    cmk = engine.ask(f"our {service} data uses a customer managed key — who rotates it?")
    assert (owned.owner, managed.owner, cmk.owner) == ("aws", "aws", "customer"), service
    assert owned.duty.id == "key-management"
    if service == "kinesis":  # no key entry of its own: the duty's stated setting answers, citing its section
        assert "rotate-keys.html#rotate-aws-owned-keys" in owned.sources[0]


def test_a_duty_level_setting_answers_without_a_service_too(engine: Engine) -> None:
    assert engine.ask("who rotates aws managed keys?").owner == "aws"
    assert engine.ask("who rotates customer managed keys?").owner == "customer"


def test_settings_that_hold_for_every_service_answer_where_a_service_has_no_entry(engine: Engine) -> None:
    owned = engine.ask("our timestream data is encrypted with an aws owned key — who manages that key?")
    cmk = engine.ask("our timestream data is encrypted with a customer managed key — who manages that key?")
    assert (owned.owner, cmk.owner) == ("aws", "customer") and owned.duty.id == "encryption-at-rest"
    announced = engine.ask("AWS Health says our glue 2.0 jobs will be automatically upgraded next month — who does it?")
    assert (announced.owner, announced.service.id) == ("aws", "glue")
    assert engine.ask("who upgrades our glue 2.0 jobs to glue 4.0?").owner == "customer"


def test_a_runtime_past_its_end_of_support_is_ours_to_move_off_even_when_asked_as_patching(engine: Engine) -> None:
    patched = engine.ask("is AWS going to patch the python runtime of our lambda?")
    stale = engine.ask("our lambda is on python 3.8 (unsupported). is AWS going to patch that runtime?")
    assert (patched.owner, stale.owner) == ("aws", "customer")
    assert stale.service.id == "lambda" and "supported runtime" in stale.customer_does


def test_compliance_vocabulary_auditors_use_reads_as_the_customers_controls(engine: Engine) -> None:
    cuec = engine.ask("the CUECs in AWS's SOC 2 report: who implements them?")
    logical = engine.ask("SOC 2 logical access controls for our AWS accounts, aws or us?")
    assert (cuec.owner, cuec.duty.id) == ("customer", "workload-compliance")
    assert (logical.owner, logical.duty.id) == ("customer", "iam-policies")
    assert engine.ask("who provides the SOC 2 report for the AWS data centers?").owner == "aws"


def test_baseline_ddos_protection_is_aws_on_any_service_and_beyond_it_shared(engine: Engine) -> None:
    assert engine.ask("who provides baseline ddos protection at no additional charge?").owner == "aws"
    assert engine.ask("do we have to buy shield advanced for basic ddos protection on our alb?").owner == "aws"
    assert engine.ask("who handles ddos protection for our app").owner == "shared"


def test_on_an_os_only_lambda_runtime_the_binary_is_ours_and_the_os_is_aws(engine: Engine) -> None:
    binary = engine.ask("we run rust on provided.al2023 with our own bootstrap. who patches the runtime binary?")
    split = engine.ask("on provided.al2023, who patches the runtime?")
    assert (binary.service.id, binary.owner, split.owner) == ("lambda", "customer", "shared")


def test_everyday_wording_of_key_incidents_outages_and_data_access(engine: Engine) -> None:
    disabled = engine.ask("our tables use a customer managed key and someone disabled the key. whose problem is that?")
    outage = engine.ask("AWS Health: operational issue, increased error rates for SQS in eu-west-1. who restores it?")
    rls = engine.ask("who sets up row level security in our quicksight dashboards?")
    assert (disabled.owner, outage.owner, rls.owner) == ("customer", "aws", "customer")
    assert engine.ask("who rotates the key material of our customer managed key?").owner == "customer"


@pytest.mark.parametrize(("question", "owner", "service"), [
    # a setting decides who recovers: AWS runs what the service does by itself, the customer what it must start
    ("who fails over our aurora global database after a region outage", "customer", "aurora"),
    ("who fails over our aurora cluster when the writer dies", "aws", "aurora"),
    ("dynamodb global tables: who replicates the writes between regions", "aws", "dynamodb"),
    ("who takes the automated snapshots of our opensearch domain", "aws", "opensearch"),
    ("who takes manual snapshots of our opensearch domain to our own bucket", "customer", "opensearch"),
    ("our invoices are on s3 one zone-ia and the az is destroyed, who is responsible for the lost data", "customer",
     "s3"),
])
def test_who_recovers_depends_on_what_the_service_does_by_itself(engine: Engine, question: str, owner: str,
                                                                 service: str) -> None:
    a = engine.ask(question)
    assert (a.owner, a.service.id) == (owner, service), a.summary
