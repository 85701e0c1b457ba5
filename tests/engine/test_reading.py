"""How a question is read (bot/engine/matcher.py): clauses, negation, stated settings, the subject, and
confidence that falls when the reading leaves words unexplained. Each test pairs a question with its
twin that differs in the one thing the mechanism is about, so it fails if the mechanism goes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.engine.answer import SURE
from bot.engine.evaluate import load_questions
from bot.engine.matcher import NEG
from bot.engine.text import clauses, clean_slack, linked_cloud, offered_owners, words
from tests.conftest import FIXTURES, ROOT


def test_clauses_end_at_sentences_dashes_and_before_the_ask() -> None:
    parts = clauses("redshift applies updates in the maintenance window? so patching is AWS's — right, who does it")
    assert [p for p, _ in parts] == ["redshift applies updates in the maintenance window", "so patching is AWS's",
                                     "right", "who does it"]
    assert parts[0][1] and not parts[-1][1]
    assert [p for p, _ in clauses("us-east-1 runs v3.13.")] == ["us-east-1 runs v3.13"]  # no cut inside tokens


def test_emoji_codes_are_not_words_but_times_stay() -> None:
    assert clean_slack("the coffee machine :coffee::fire: broke at 10:30") == "the coffee machine broke at 10:30"


def test_a_negation_is_read_and_a_negated_phrase_needs_one(engine: Engine) -> None:
    m = engine.matcher.match("the acm certificate was not renewed")
    assert NEG in m.content
    phrases_with_not = {c.phrase for c in m.candidates if NEG in c.stems}
    assert phrases_with_not, "a phrase with 'not' should match a question with 'not'"
    plain = engine.matcher.match("the acm certificate was renewed")
    assert not any(NEG in c.stems for c in plain.candidates)


def test_a_short_not_aside_says_what_is_not_asked(engine: Engine) -> None:
    with_aside = engine.matcher.match("kernel vulnerability in the ec2 host os (not our guest os), who patches it")
    assert "guest" not in with_aside.content
    question = engine.matcher.match("isn't the guest os patched by aws?")  # a question, not an aside
    assert "guest" in question.content


def test_words_in_the_asking_clause_outweigh_the_context(engine: Engine) -> None:
    context_first = engine.matcher.match(
        "redshift applies updates during the maintenance window. so who patches the redshift engine?")
    whole = engine.matcher.match("who patches the redshift engine during the maintenance window")
    assert context_first.best.id == "engine-patching"
    top = {c.id: c.score for c in whole.candidates}
    assert top.get("maintenance-window", 0) > 0  # the same words count fully when they are in the ask


def test_the_specific_variant_of_a_service_is_the_subject(engine: Engine) -> None:
    a = engine.ask("our eks cluster runs on eks auto mode, who patches the nodes")
    assert a.service.id == "eks-auto-mode"
    b = engine.ask("who patches the nodes of our eks cluster")
    assert b.service.id == "eks"


def test_moving_from_one_service_to_another_asks_about_the_destination(engine: Engine) -> None:
    assert engine.ask("after we move the app from ec2 to lambda, who patches the os").service.id == "lambda"
    assert engine.ask("after we move the app from lambda to ec2, who patches the os").service.id == "ec2"


def test_an_unknown_aws_service_is_never_answered_as_another(engine: Engine) -> None:
    a = engine.ask("who patches amazon zorblatt")
    assert not a.answered and a.reason == "unknown_service" and "zorblatt" in a.summary
    assert all(s.startswith("who secures") for s in a.suggestions)


def test_an_unknown_product_name_without_aws_gets_no_owner(engine: Engine) -> None:
    assert not engine.ask("ZorbDB Dedicated: are patch upgrades applied in our maintenance window?").answered
    assert not engine.ask("Zorbdb: are patch upgrades applied in our maintenance window?").answered
    assert engine.ask("are patch upgrades applied to rds in our maintenance window? who does it").answered


def test_stated_settings_count_only_when_their_words_stand_together(engine: Engine) -> None:
    m = engine.matcher
    tight = m.match("lambda runtime management set to auto, who patches the runtime")
    loose = m.match("runtime patches for lambda: who manages them, and is auto scaling set up")
    assert m.says(tight.tokens, "runtime management auto") > 0
    assert m.says(loose.tokens, "runtime management auto") == 0


def test_unexplained_task_words_lower_the_confidence(engine: Engine) -> None:
    plain = engine.matcher.match("who patches the guest os on ec2")
    extra = engine.matcher.match("who patches the guest os on ec2 and rotates the kms keys and the dnssec ksk")
    assert not plain.unexplained and plain.confidence >= SURE
    assert extra.unexplained and extra.confidence < plain.confidence


def test_a_close_reading_with_another_owner_is_offered_and_lowers_confidence(engine: Engine) -> None:
    questions = [q.q for p in [FIXTURES / "questions.yaml", *sorted((ROOT / "bench").glob("blind_*.yaml"))]
                 for q in load_questions(Path(p))]
    contested = [a for a in map(engine.ask, questions) if a.alternative is not None]
    assert contested, "some questions have two close readings"
    for a in contested:
        assert a.answered and a.alternative.owner != a.owner
        assert a.confidence < SURE and not a.sure


def test_a_pasted_guardduty_finding_type_reads_as_words_not_a_product(engine: Engine) -> None:
    from bot.engine.text import expand_findings

    assert expand_findings("CryptoCurrency:EC2/BitcoinTool.B fired") == (
        "guardduty finding crypto currency on ec2 instance: bitcoin tool fired")
    a = engine.ask("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OffInstance fired, who handles it")
    assert a.answered and a.owner == "customer"  # never "I only know AWS" for a CamelCase finding name
    b = engine.ask("Recon:EC2/PortProbeUnprotectedPort on our bastion, is that on us?")
    assert b.answered and b.service.id == "ec2" and b.scenario is not None


def test_a_move_makes_its_target_the_subject_and_leaves_the_old_settings_behind(engine: Engine) -> None:
    today = engine.ask("our postgres runs on ec2 today. who patches the os?")
    moving = engine.ask("our postgres runs on ec2 today. if we move to rds, who patches the os?")
    assert (today.service.id, today.owner) == ("ec2", "customer")
    assert (moving.service.id, moving.owner) == ("rds", "aws")
    # a stated setting before the move describes the old platform: "self-managed AD" is not the managed one
    stays = engine.ask("we run self managed ad today. who patches the domain controllers in directory service?")
    moved = engine.ask("we run self managed ad today. if we move to aws managed microsoft ad, do we still "
                       "need to patch the domain controllers?")
    assert stays.owner == "customer" and moved.owner == "aws"
    assert engine.matcher.match("we copy logs from ec2 to s3 — who patches ec2?").moved_to is None  # no move
    assert engine.matcher.match("we opened port 5432 to rds from the app tier, whose job").moved_to is None
    far = engine.matcher.match("we are migrating from the postgres we run ourselves on ec2 to rds. who patches the os?")
    assert far.moved_to and far.moved_to[0] == "rds"  # "migrating from … to rds", however long the "from" part
    object_first = engine.matcher.match("a company migrates a self-managed mysql database from ec2 to rds for mysql")
    assert object_first.moved_to and object_first.moved_to[0] == "rds"  # what moves may stand between verb and "from"


def test_exam_options_lettered_or_spelled_out_pick_the_one_the_asked_owner_has(engine: Engine) -> None:
    from bot.engine.text import exam_options

    lettered = ("Which of these is AWS's responsibility? A) patching the guest os on ec2 "
                "B) physical security of data centers")
    spelled = ("Which of these is AWS's responsibility: patching the guest os on ec2, or physical security "
               "of data centers?")
    for text in (lettered, spelled):
        wants, options = exam_options(text)
        assert wants == "aws" and len(options) == 2
        a = engine.ask(text)
        assert a.owner == "aws" and "physical security" in a.summary
    flipped = engine.ask(spelled.replace("AWS's", "the customer's"))
    assert flipped.owner == "customer" and "guest" in flipped.summary
    # no owner asked about, one-word options, or no colon: not an exam question
    assert exam_options("which one is it: aws or us?") == (None, ())
    assert exam_options("which is AWS's job, patching the guest os or physical security?") == (None, ())


def test_a_one_letter_suffix_stays_part_of_its_name(engine: Engine) -> None:
    from bot.engine.text import words

    assert words("SSE-C, sse-kms and x-ray") == ["ssec", "sse", "kms", "and", "ray"]
    cmk = engine.ask("our s3 bucket uses sse-c. who rotates the encryption keys?")
    managed = engine.ask("our s3 bucket uses the aws managed key aws/s3, not sse-c. who rotates the encryption keys?")
    assert cmk.owner == "customer" and managed.owner == "aws"


def test_exam_options_that_are_parties_leave_the_stem_to_be_read(engine: Engine) -> None:
    from bot.engine.text import exam_options, exam_stem

    parties = "Who is responsible for patching the guest os on ec2? A) AWS B) The customer C) Both D) AWS Support"
    assert exam_stem(parties) == "Who is responsible for patching the guest os on ec2?"
    assert engine.ask(parties).owner == "customer"
    tasks = "Which is AWS's job? A) patching the guest os on ec2 B) physical security of data centers"
    assert exam_stem(tasks) is None
    for stem, wants in [("Which responsibility moves to AWS when we adopt Fargate?", "aws"),
                        ("Which controls does the customer fully inherit from AWS?", "aws"),
                        ("Which task does the company no longer perform?", "aws"),
                        ("Which task is the bank's responsibility?", "customer"),
                        ("Which task remains with the customer?", "customer"),
                        ("Which task is the CUSTOMER's?", "customer"),
                        ("Under the model, which task remains the company's?", "customer"),
                        ("Which of these is AWS's?", "aws")]:
        assert exam_options(f"{stem} A) patching the host os B) managing iam users")[0] == wants, stem


def test_a_pasted_resource_id_names_its_service(engine: Engine) -> None:
    from bot.engine.text import expand_findings

    assert expand_findings("CVE on i-0a91… and sg-0123abcd, vol-0abc1234") == \
        "CVE on ec2 instance and security group, ebs volume"
    assert expand_findings("not i-am or vpc-peering") == "not i-am or vpc-peering"
    assert expand_findings("Inspector: `CVE-2024-35195 - requests` HIGH") == \
        "Inspector: `CVE-2024-35195 in the library requests` HIGH"
    on_instance = engine.ask("Inspector found a critical openssh CVE on i-0a91b2c3d4e5f6a7b. do we patch it or AWS?")
    assert (on_instance.owner, on_instance.service.id) == ("customer", "ec2")


def test_a_region_code_is_a_place_and_a_zone_code_an_availability_zone(engine: Engine) -> None:
    from bot.engine.text import expand_findings

    assert expand_findings("in eu-west-1, us-gov-west-1 and ap-northeast-2c; use1-az4") == \
        "in there, govcloud and availability zone; availability zone"  # a GovCloud code names its partition
    assert expand_findings("pre-prod-2 and re-run-1") == "pre-prod-2 and re-run-1"  # not Regions
    # "1" of us-east-1 is not the "1" of "TLS 1.1", and the Region is not the task either
    outage = engine.matcher.match("s3 had an outage in us-east-1, whose fault")
    assert not any(c.target in ("duty:encryption-in-transit", "scenario:region-outage") for c in outage.candidates)
    assert engine.ask("who patches rds in eu-west-1").owner == engine.ask("who patches rds").owner == "aws"


def test_party_options_may_say_why() -> None:
    from bot.engine.text import exam_stem

    q = ("Which party is responsible for configuration management? A) AWS, for all layers B) The customer, for all "
         "layers C) Both: AWS configures its infrastructure devices and the customer configures its guest OS")
    assert exam_stem(q) == "Which party is responsible for configuration management?"
    tasks = "Which is AWS's job? A) AWS Shield Standard at the edge B) the customer's IAM policies for every service"
    assert exam_stem(tasks) is None


def test_which_statement_is_true_is_read_from_its_stem(engine: Engine) -> None:
    from bot.engine.text import exam_stem, statement_stem

    q = ("Which one statement about encryption at rest in DynamoDB is true? A) The customer must turn it on per "
         "table B) Tables are encrypted by default C) Only streams are encrypted")
    assert statement_stem(q) == "Which one statement about encryption at rest in DynamoDB is true?"
    assert exam_stem(q) is None  # its options are statements, not parties
    a = engine.ask(q)  # option A alone would read as the customer's
    assert (a.owner, a.service.id, a.duty.id) == ("aws", "dynamodb", "encryption-at-rest")
    assert a.confidence <= 0.85  # the options are not checked one by one: never sure
    assert statement_stem("Which statement? A) patching the host os B) managing iam users") is None


def test_which_type_of_control_is_read_as_a_question_about_its_subject(engine: Engine) -> None:
    from bot.engine.text import control_type_subject

    q = "Practice exam Q: patch management appears in the model as an example of which type of control?"
    assert control_type_subject(q) == "who is responsible for patch management?"
    a = engine.ask("Patch management appears in the AWS shared responsibility model as an example of which control "
                   "type? (AWS patches infrastructure, customers patch guest OS and apps)")
    assert (a.owner, a.duty.id) == ("shared", "patch-management") and a.confidence <= 0.85
    assert control_type_subject("which type of control do we need here?") is None
    # the model classifies the control, not its use on one workload: the workload is not the subject
    on_a_workload = ("Under the AWS Shared Responsibility Model, patch management for a hybrid estate (EC2, Outposts "
                     "and on-prem servers) is which type of control? A) Inherited B) Shared C) Customer specific")
    assert control_type_subject(on_a_workload) == "who is responsible for patch management?"
    # the control named first as a title, then described, then "what type of control is this?"
    titled = ("Patch management — AWS patches its infrastructure and customers patch their guest OS and "
              "applications. What type of control is this?")
    assert control_type_subject(titled) == "who is responsible for Patch management?"
    assert engine.ask(titled).owner == "shared"
    assert control_type_subject("Q3: AWS patches the hypervisor. What type of control is this?") is None
    assert control_type_subject("AWS patches the hosts, we patch the guest OS. How is patch management "
                                "classified? A) Inherited B) Shared") == "who is responsible for patch management?"


def test_compliance_evidence_is_the_frame_and_the_control_asked_about_is_the_task(engine: Engine) -> None:
    logs = engine.ask("Our API Gateway stages for the claims API have execution logging off. AWS logs everything "
                      "anyway for their SOC report, right?")
    assert (logs.owner, logs.duty.id) == ("customer", "logging")
    disposal = engine.ask("our auditor asks for evidence of decommissioning of hardware for the Redshift platform. "
                          "that's AWS's attestation, not ours, right?")
    assert (disposal.owner, disposal.duty.id) == ("aws", "hardware-lifecycle")
    assert engine.ask("who provides the SOC 2 report for AWS's data centers?").duty.id == "audit-reports"


def test_an_exam_options_capital_is_not_a_product_name(engine: Engine) -> None:
    a = engine.ask("Which of the following is the responsibility of AWS under the AWS shared responsibility model? "
                   "A. Configuring third-party applications B. Maintaining physical hardware C. Securing application "
                   "access and data")
    assert a.answered and a.owner == "aws" and "Maintaining physical hardware" in a.summary


def test_a_setting_denied_a_few_words_before_is_not_stated(engine: Engine) -> None:
    said = engine.matcher.says
    assert said(("we", "pay", "for", "shield", "advanced"), "shield advanced")
    assert not said(("we", "don", "pay", "for", "shield", "advanced"), "shield advanced")
    assert not said(("we", "aren", "using", "any", "shield", "advanced"), "shield advanced")
    assert said(("no", "idea", "but", "we", "have", "shield", "advanced"), "shield advanced")  # not what it denies


def test_a_setting_that_names_aws_is_stated_only_in_its_own_order(engine: Engine) -> None:
    said = engine.matcher.says
    assert said(("it", "uses", "an", "aws", "owned", "key"), "aws owned key")
    assert not said(("who", "owns", "the", "keys", "us", "or", "aws"), "aws owned key")  # AWS offered as owner
    read = engine.matcher.match
    assert said(read("our outposts server died").tokens, "outposts server")
    assert not said(read("a server in our outposts rack died").tokens, "outposts server")  # a rack's server
    a = engine.ask("on CloudHSM who creates the crypto users and owns the keys, us or AWS like with KMS?")
    assert (a.owner, a.service.id) == ("customer", "cloudhsm")


def test_a_stated_settings_own_words_are_never_typo_fixed(engine: Engine) -> None:
    assert engine.matcher._setting("fleetiq")[0] == frozenset({"fleetiq"})  # not "fleet"
    fleets = engine.ask("the patched ami only reaches gamelift when we create new fleets. who recycles the fleets?")
    fleetiq = engine.ask("we use gamelift fleetiq on our own ec2 instances. who patches their os?")
    assert fleets.owner == "customer" and fleetiq.owner == "customer"


def test_key_signing_and_zone_signing_keys_are_told_apart(engine: Engine) -> None:
    ksk = engine.ask("dnssec signing is on for our hosted zone. who rotates the key-signing key?")
    zsk = engine.ask("dnssec signing is on for our hosted zone. who rotates the zone-signing key?")
    assert (ksk.duty.id, ksk.owner) == ("dnssec-ksk", "customer")
    assert (zsk.duty.id, zsk.owner) == ("dnssec-zsk", "aws")


def test_an_exam_asks_for_the_owner_it_names_not_the_models_name(engine: Engine) -> None:
    from bot.engine.text import exam_options

    def wants(stem: str) -> str | None:
        return exam_options(f"{stem} A) patching the host os B) managing iam users")[0]

    assert wants("Which is an example of a shared control in the AWS shared responsibility model?") == "shared"
    assert wants("Which is a customer-specific control under the AWS shared responsibility model?") == "customer"
    assert wants("Which is an inherited control?") == "aws"
    assert wants("Under the AWS shared responsibility model, which is a customer responsibility?") == "customer"
    two = engine.ask("Which tasks are the customer's responsibility? (Select TWO.) A) physical security of data "
                     "centers B) configuring security groups on ec2 C) patching the guest os on ec2 "
                     "D) maintaining the hypervisor")
    assert two.owner == "customer" and "security groups" in two.summary and "guest os" in two.summary


def test_an_asking_clause_that_refers_back_leaves_the_task_to_the_question_before(engine: Engine) -> None:
    asked = "does aws patch the os and database of our redshift cluster or do we schedule that?"
    a = engine.ask(f"{asked} compliance wants to know who owns it")
    assert (a.owner, a.duty.id) == ("aws", engine.ask(asked).duty.id)
    own = engine.ask("redshift cluster tagging is done. compliance wants to know who owns compliance reporting")
    assert own.duty.id == "compliance"  # names its own task: it asks


def test_managed_rule_group_names_name_their_service(engine: Engine) -> None:
    from bot.engine.text import expand_findings

    assert expand_findings("we use AWSManagedRulesCommonRuleSet") == "we use aws waf managed rule group"
    waf = engine.ask("AWSManagedRulesKnownBadInputsRuleSet on the default version: who updates the rules inside it?")
    nfw = engine.ask("ThreatSignaturesBotnetStrictOrder is in our policy. who keeps the signatures current?")
    assert (waf.service.id, waf.owner) == ("waf", "aws") and (nfw.service.id, nfw.owner) == ("network-firewall", "aws")
    assert engine.ask("who writes the waf rules for our alb").owner == "customer"


def test_an_aws_managed_key_alias_names_kms_and_the_kind_of_key(engine: Engine) -> None:
    from bot.engine.text import expand_pasted_names

    a = engine.ask("the default `aws/ebs` and `aws/s3` keys: do we enable rotation or does AWS rotate them?")
    assert (a.owner, a.service.id) == ("aws", "kms")
    assert expand_pasted_names("retention of /aws/lambda/my-fn") == "retention of /aws/lambda/my-fn"  # a log group


def test_the_model_named_as_the_frame_of_a_question_is_not_its_task(engine: Engine) -> None:
    framed = engine.ask("under the shared responsibility model, who patches rds?")
    assert framed.answered and framed.service.id == "rds" and framed.duty.id != "shared-model"
    abbreviated = engine.ask("Patch management in the AWS SRM: is that an inherited control, a customer-specific "
                             "control, or a shared control?")
    assert (abbreviated.owner, abbreviated.duty.id) == ("shared", "patch-management")  # "aws srm" is no service
    assert engine.ask("explain the shared responsibility model").duty.id == "shared-model"


def test_exam_stems_that_say_belongs_to_or_does_aws_handle_and_options_that_name_their_own_service(
        engine: Engine) -> None:
    fargate = engine.ask("Which responsibility belongs to AWS when a customer uses AWS Fargate? A. Building and "
                         "scanning container images B. Patching the host OS and container runtime C. Writing task "
                         "IAM role policies D. Configuring security groups for tasks")
    assert (fargate.owner, fargate.service.id) == ("aws", "fargate") and "host OS" in fargate.summary
    quiz = engine.ask("quiz: which of these does AWS handle? (a) who gets IAM access (b) TLS config on our ALB "
                      "listeners (c) firmware updates on the physical EC2 hosts (d) yum updates inside our instances")
    # each option is read on its own service: "yum updates inside our instances" is ours, not IAM's or AWS's
    assert quiz.owner == "aws" and "firmware" in quiz.summary and "yum" not in quiz.summary


def test_aws_quarantine_of_a_leaked_key_reads_as_the_leak_it_is(engine: Engine) -> None:
    a = engine.ask("CloudTrail: AWS attached AWSCompromisedKeyQuarantineV3 to our deploy user. are we done?")
    b = engine.ask("health event AWS_RISK_IAM_QUARANTINE on a CI user: does AWS clean this up?")
    assert (a.owner, b.owner) == ("customer", "customer")


def test_an_exam_question_none_of_whose_options_reads_as_the_asked_partys_claims_no_owner(engine: Engine) -> None:
    a = engine.ask("Which is AWS's responsibility on Amazon RDS? A) Writing the application's SQL B) Choosing who "
                   "gets database users C) Deciding which data to keep")
    assert not a.answered and a.owner is None
    assert a.suggestions[0].startswith("who is responsible for writing the application's SQL on Amazon RDS")


def test_a_trailing_list_of_owners_is_options_not_the_question_even_with_a_comparison(engine: Engine) -> None:
    m = engine.matcher.match("we're on rds custom for oracle (a legacy agent needs os access). who patches the oracle "
                             "database software on it — aws like normal rds, or us?")
    assert m.asking.startswith("who patch the oracle database software")
    assert engine.matcher.match("who patches the lustre servers on fsx: us or AWS? we only chose the window").asking \
        .startswith("who patch the lustre")


def test_a_setting_named_after_instead_of_is_the_one_not_in_use(engine: Engine) -> None:
    replaced = engine.ask("our kms key uses imported key material instead of aws generated material. who keeps a "
                          "copy of it?")
    plain = engine.ask("our kms key uses aws generated key material. who is responsible for its durability?")
    assert (replaced.owner, plain.owner) == ("customer", "aws")


def test_the_word_before_a_resource_word_in_an_alias_names_the_service_not_a_task(engine: Engine) -> None:
    a = engine.ask("do we need to script backups of the hsm cluster (keys, users) or does aws take those?")
    assert (a.owner, a.service.id, a.duty.id) == ("aws", "cloudhsm", "backups")  # "hsm" is the service here


def test_a_setting_that_should_be_on_is_not_stated_as_on(engine: Engine) -> None:
    m = engine.matcher
    recommended = m.match("finding: automatic minor version upgrade should be enabled on our rds, who fixes it")
    stated = m.match("automatic minor version upgrade enabled on our rds, who applies minor versions")
    phrase = "automatic minor version upgrade enabled"
    assert not m.says(recommended.tokens, phrase) and m.says(stated.tokens, phrase)


def test_a_setting_never_added_or_not_yet_configured_is_denied(engine: Engine) -> None:
    m = engine.matcher
    for q in ("we never added an autopatchconfig to the group, who patches", "we haven't configured autopatchconfig"):
        assert not m.says(m.match(q).tokens, "autopatchconfig"), q
    assert m.says(m.match("we added an autopatchconfig, who patches now").tokens, "autopatchconfig")


def test_aws_reporting_something_names_no_unknown_service_and_an_old_setup_is_denied(engine: Engine) -> None:
    emailed = engine.ask("AWS emailed that our access key was found on GitHub and attached a quarantine policy. "
                         "do they handle the rest?")
    assert emailed.answered and emailed.owner == "customer"
    assert engine.ask("amazon zorbex index: who encrypts it?").reason == "unknown_service"  # a name, still unknown
    m = engine.matcher
    assert not m.says(m.match("not the old nat instance, the managed gateway: who patches it").tokens, "nat instance")


def test_a_tool_that_reports_on_or_deploys_a_workload_is_not_its_subject(engine: Engine) -> None:
    deployed = engine.ask("kinesis data stream created via cloudformation with no encryption block: encrypted at "
                          "rest by default or do we enable it?")
    reported = engine.ask("AWS Health: athena engine auto-upgrade will begin in 60 days. do we upgrade it ourselves?")
    assert deployed.service.id == "kinesis-data-streams" and reported.service.id == "athena"
    assert engine.ask("who enables guardduty").service.id == "guardduty"  # alone, a tool is the subject


def test_a_request_for_a_whole_task_on_a_service_implies_its_owner_but_a_how_to_does_not(engine: Engine) -> None:
    from bot.engine import REQUEST_CONFIDENCE

    asked = engine.ask("Create a lifecycle policy for VPC flow logs: at the moment they are stored indefinitely")
    assert (asked.answered, asked.owner) == (True, "customer") and asked.confidence <= REQUEST_CONFIDENCE
    assert not engine.ask("how do I enable versioning on an s3 bucket with terraform?").answered  # a how-to
    assert not engine.ask("create a bucket with terraform").answered  # no task is read, only tooling


def test_instead_of_reaches_past_a_name_between(engine: Engine) -> None:
    manual = engine.ask("we install the agent ourselves instead of GuardDuty's automated agent configuration. "
                        "who updates the guardduty agent to new versions?")
    automated = engine.ask("GuardDuty's automated agent configuration is on. who updates the guardduty agent to new "
                           "versions?")
    assert (manual.owner, automated.owner) == ("customer", "aws")


def test_an_incident_is_never_half_named_by_a_resource_word(engine: Engine) -> None:
    m = engine.matcher.match("OpenSearch Service managed domain: a required service software update for a CVE is "
                             "auto-scheduled. who applies it?")
    assert "scenario:opensearch-domain-public" not in [c.target for c in m.candidates]
    assert engine.ask("our opensearch domain is open to the internet, whose fault").scenario.id == \
        "opensearch-domain-public"


def test_asking_whether_a_named_service_does_it_asks_who_owns_it(engine: Engine) -> None:
    m = engine.matcher.match("the CloudFront cert was imported from DigiCert. does ACM auto renew it?")
    assert m.asks_owner
    assert not engine.matcher.match("our CloudFront cert was imported from DigiCert. ACM renewal dashboard").asks_owner
    assert not engine.ask("how much does Shield Advanced cost per month?").answered  # a price, not a duty


def test_a_negated_aside_of_a_few_words_is_skipped_but_a_doubt_still_asks(engine: Engine) -> None:
    image = engine.ask("App Runner service deployed from a container image (not the source-code/managed runtime "
                       "option). base image has a glibc CVE -- does AWS patch that?")
    assert image.owner == "customer"
    doubt = engine.ask("not sure who patches the os on our rds instances")
    assert (doubt.answered, doubt.owner) == (True, "aws")


def test_dc_is_a_domain_controller_only_beside_active_directory() -> None:
    from bot.engine.text import expand_findings

    assert "domain controllers" in expand_findings("who patches the DCs of our AD in Directory Service?")
    assert "domain controller" in expand_findings("Active Directory DC security event logs")
    # "ad" in lower case is an advert as often as a directory: the DC stays a data center
    assert "domain controller" not in expand_findings("the ad campaign page in our DC got defaced")


def test_a_shared_control_exam_reads_its_options_as_the_models_classes_when_the_workload_names_none(
        engine: Engine) -> None:
    # patching the guest OS of an EC2 workload is the customer's, but patch management is the model's shared control
    exam = ("Which is a SHARED control between AWS and a customer running Windows workloads on EC2? "
            "A) Physical and environmental controls B) Patch management C) Zone security D) Data center access")
    a = engine.ask(exam)
    assert a.owner == "shared" and "Patch management" in a.summary


def test_part_of_a_task_with_nothing_of_aws_and_no_one_asked_about_is_someone_elses_question(engine: Engine) -> None:
    assert not engine.ask("kbpgp: This key imports and doesn't complain that it's expired, even though it is. "
                          "is that expected?").answered
    # the same words asking who owns it, or naming AWS, are still read
    assert engine.ask("our imported certificate expired in ACM, who renews it?").answered


def test_exam_options_that_are_parties_or_classes_of_control_are_answers(engine: Engine) -> None:
    from bot.engine.text import exam_options

    parties = ("A company runs Apache Kafka on EC2 and moves to Amazon MSK (provisioned). Under the shared "
               "responsibility model, which party applies OS security patches to the broker hosts? "
               "A) The company B) AWS C) Both D) Neither")
    assert exam_options(parties) == (None, ())  # "moves to Amazon MSK" is a migration, not "moves to AWS"
    assert engine.ask(parties).owner == "aws"
    classes = ("Under the AWS shared responsibility model, patch management for an Amazon DocumentDB deployment is "
               "best described as: A) inherited control B) shared control C) customer-specific control D) not a "
               "control")
    assert engine.ask(classes).owner == "shared"


def test_ourselves_asks_who_owns_it(engine: Engine) -> None:
    a = engine.ask("we're on ElastiCache Serverless. do we ever have to apply minor/patch engine versions ourselves?")
    assert a.answered and a.owner == "aws"


@pytest.mark.parametrize("question", [
    "our Kinesis stream switched from on-demand to provisioned last week, now producers get "
    "ProvisionedThroughputExceededException. doesn't Kinesis scale shards for us?",
    # the move verb six words before "from"
    "We flipped the clickstream Kinesis Data Stream from on-demand to provisioned to save money. Do we now have to "
    "watch shard capacity ourselves, or does Kinesis still scale it?",
])
def test_a_setting_switched_or_flipped_from_is_the_one_left_behind(engine: Engine, question: str) -> None:
    assert engine.ask(question).owner == "customer"


def test_a_setting_after_moving_something_from_is_the_one_left_behind(engine: Engine) -> None:
    moving = engine.ask("we're moving our SQS queues from SSE-SQS to a customer managed KMS key. who maintains "
                        "the key policy?")
    staying = engine.ask("our SQS queues use SSE-SQS. who maintains the key policy?")
    assert (moving.owner, staying.owner) == ("customer", "aws")


def test_which_type_of_control_ignores_the_model_named_as_an_aside(engine: Engine) -> None:
    a = engine.ask("Patch management, per the AWS Shared Responsibility Model, is an example of which type of "
                   "control? (AWS patches infrastructure; the customer patches guest OS and applications.)")
    assert a.owner == "shared"


def test_exam_stems_that_say_fully_responsible_or_managed_entirely_by_name_their_owner() -> None:
    from bot.engine.text import exam_options

    opts = " A) patching the host os B) implementing controls to route application traffic"
    assert exam_options("The user is fully responsible for which action when running workloads on AWS?" + opts)[0] \
        == "customer"
    assert exam_options("Which of the following is a component of the model managed entirely by AWS?" + opts)[0] \
        == "aws"


def test_which_type_of_control_cuts_the_workload_before_its_commas(engine: Engine) -> None:
    a = engine.ask("Patch management for a workload that uses NAT gateways, ALBs and self-managed EC2 proxy instances "
                   "is an example of which type of control? A) Inherited B) Shared C) Customer-specific "
                   "D) AWS-specific")
    assert a.owner == "shared"


def test_exam_stems_that_name_a_half_of_the_model_or_what_aws_provides_name_their_owner() -> None:
    from bot.engine.text import exam_options

    opts = " A. Managing edge locations B. Physical security C. Firewall configuration D. Global infrastructure"
    assert exam_options("Which of the following is an example of security in the AWS Cloud?" + opts)[0] == "customer"
    assert exam_options("Which of the following is an example of security of the cloud?" + opts)[0] == "aws"
    assert exam_options("Which is provided automatically by AWS at no extra cost?" + opts)[0] == "aws"


def test_a_vendor_that_reports_what_happened_to_an_aws_resource_is_not_its_subject(engine: Engine) -> None:
    for question in ("CloudTrail log file validation is off on our trails, an IOM that CrowdStrike flags. is turning "
                     "it on our job?",
                     "GuardDuty finding PortProbeUnprotectedPort on our EC2 instance, remote ISP Akamai. who picks "
                     "this up?"):
        assert engine.ask(question).owner == "customer", question
    assert not engine.ask("our CrowdStrike sensors stopped reporting, who fixes them, us or CrowdStrike?").answered


def test_another_cloud_is_a_traffic_source_only_when_traffic_comes_from_it(engine: Engine) -> None:
    waf = engine.ask("WAF web ACL: who blocks the bot traffic coming from 34.0.0.0/8 Google Cloud addresses, AWS or "
                     "us?")
    assert waf.owner == "customer"
    twilio = engine.ask("we started failing to validate Twilio webhook requests after the auth token was rotated — "
                        "twilio token rotation, is that in the AWS model?")
    assert not twilio.answered  # Twilio's own requests and tokens: not a question about AWS


def test_a_vendor_in_front_of_an_aws_origin_is_not_the_subject(engine: Engine) -> None:
    a = engine.ask("our origin on EC2 is directly reachable, bypassing Cloudflare WAF. who locks the security group "
                   "down, AWS or us?")
    assert a.owner == "customer"


def test_aws_doing_something_is_a_verb_not_an_unknown_service(engine: Engine) -> None:
    m, _ = engine.explain("'Configuration management': AWS maintaining the configuration of its devices, the customer "
                          "its own guest OS — which type of control is that?")
    assert m.unknown_service is None
    m, _ = engine.explain("who patches amazon zorbix?")
    assert m.unknown_service == "amazon zorbix"


def test_other_vendors_gear_in_our_own_racks_is_not_aws(engine: Engine) -> None:
    for question in ("the PA-3220 pair needs PAN-OS 10.2.9-h1 for CVE-2024-3400 — is that on netops or the DC team?",
                     "F5 BIG-IP in the colo cage — who renews the support contract this year?"):
        assert not engine.ask(question).answered, question


def test_another_cloud_listed_beside_aws_is_not_instead_of_it(engine: Engine) -> None:
    a = engine.ask("AWS, GCP, and Azure each hold their own SOC 2 reports. so badge access and CCTV at the AWS data "
                   "center — is that AWS's control?")
    assert a.owner == "aws"
    assert not engine.ask("who patches our VMs on GCP or Azure?").answered


def test_exam_stems_that_ask_for_the_option_not_owned_or_say_the_customer_manages_which(engine: Engine) -> None:
    from bot.engine.text import exam_options

    opts = (" A. Physical and environmental controls B. Media sanitization of decommissioned disks C. Patch "
            "management D. Data center access badging")
    assert exam_options("Which of the following is NOT an inherited control under the model?" + opts)[0] == "not aws"
    assert engine.ask("Which of the following is NOT an inherited control under the AWS shared responsibility "
                      "model?" + opts).owner == "shared"
    assert exam_options("Under the model, the customer manages which of the following?" + opts)[0] == "customer"
    assert exam_options("AWS manages which of the following?" + opts)[0] == "aws"
    assert exam_options("Which common IT tasks can AWS cover to free up company IT resources?" + opts)[0] == "aws"


def test_a_privacy_law_question_with_nothing_of_aws_in_it_is_not_answered(engine: Engine) -> None:
    assert not engine.ask("got an Article 17 GDPR erasure request in the support inbox: 'please delete all my "
                          "data' — who handles these?").answered
    assert not engine.ask("the processor should be able to delete a subject's data without the request?").answered
    # still the model's: where the data lives, and any question that names AWS
    assert engine.ask("choosing a region for gdpr data sovereignty, who").owner == "customer"
    assert engine.ask("GDPR erasure request for a face we indexed in a Rekognition collection — does AWS purge it "
                      "or do we call DeleteFaces?").owner == "customer"


def test_exam_options_printed_as_a_dashed_list_are_options(engine: Engine) -> None:
    from bot.engine.text import exam_options

    q = ("What is the AWS customer responsible for according to the AWS shared responsibility model? - Physical "
         "access controls. - Data encryption. - Secure disposal of storage devices. - Environmental risk management.")
    assert exam_options(q) == ("customer", ("Physical access controls", "Data encryption",
                                            "Secure disposal of storage devices", "Environmental risk management"))
    assert engine.ask(q).owner == "customer"
    assert exam_options("who patches RDS? - asking for the audit") == (None, ())  # one dash is an aside


def test_exam_options_separated_by_slashes_are_options(engine: Engine) -> None:
    from bot.engine.text import exam_options

    q = ("Which of these is the customer's job on Amazon S3? (Select ONE) Securing the storage hardware / Patching "
         "the S3 service software / Writing the bucket policies")
    assert exam_options(q) == ("customer", ("Securing the storage hardware", "Patching the S3 service software",
                                            "Writing the bucket policies"))
    a = engine.ask(q)
    assert (a.owner, a.duty.id) == ("customer", "resource-policies") and "bucket policies" in a.summary
    assert exam_options("who patches RDS? the docs / the console") == (None, ())  # one slash is no list


def test_an_agent_named_by_its_service_is_the_agent_on_our_machines(engine: Engine) -> None:
    _, a = engine.explain("we run the CloudWatch agent on our on-prem Windows servers for hybrid monitoring. who "
                          "upgrades it?")
    assert (a.owner, a.duty.id if a.duty else None) == ("customer", "agent-software")
    assert engine.ask("who runs the cloudwatch service itself?").owner == "aws"


def test_a_message_mostly_in_a_script_srm_cannot_read_is_never_answered_as_sure(engine: Engine) -> None:
    from bot.engine.text import unread_share

    korean = "우리 팀 질문: AWS WAF managed rule group (AWSManagedRulesCommonRuleSet) 안의 룰 업데이트는 누가 해요?"
    assert unread_share(korean) > 0.3 > unread_share("who updates the WAF managed rule groups? (naïve café)")
    a = engine.ask(korean)
    assert a.answered and a.confidence <= 0.75  # "… who does the update?" is in the Korean words
    assert engine.ask("AWS WAF managed rule groups: who updates the rules inside them?").confidence > 0.75


def test_a_parameter_set_to_a_value_is_not_an_unknown_product(engine: Engine) -> None:
    m, a = engine.explain("instances still allow IMDSv1 (HttpTokens=optional). pentest showed SSRF -> role creds. "
                          "who should have required IMDSv2?")
    assert (m.unknown_product, a.owner) == (None, "customer")
    assert engine.explain("who patches the Zorbix cluster we run?")[0].unknown_product == "Zorbix"


def test_a_service_named_only_as_not_enabled_is_not_the_subject(engine: Engine) -> None:
    m, a = engine.explain("SageMaker real-time inference endpoint (SSM access NOT enabled on the variant). who applies "
                          "security patches to the endpoint instances?")
    assert "systems-manager" not in m.services and a.owner == "aws"
    m, _ = engine.explain("my storage gateway would not activate inside our VPC, who owns the activation path?")
    assert m.services[0] == "storage-gateway"  # a failure, not a setting


def test_the_first_service_named_again_where_the_question_asks_is_the_subject(engine: Engine) -> None:
    a = engine.ask("our DAX cluster has its maintenance window on sunday nights. who patches the DAX node software "
                   "— do we need SSM on them?")
    assert (a.service.id, a.owner) == ("dax", "aws")  # SSM, named in passing, would say "customer"


def test_the_owners_an_exams_party_options_offer() -> None:
    assert offered_owners("Who scales it? A. Your security team. B. Your development team. C. AWS.") == {
        "customer", "aws"}
    assert offered_owners("Patching is which type? A) Inherited B) Shared C) Customer specific") == {
        "aws", "shared", "customer"}
    # options that are statements to judge offer no owners
    assert offered_owners("Which is true? A) Customers must enable it per resource in the console B) AWS turns "
                          "it on for every account at no cost") == frozenset()


def test_an_answer_none_of_the_party_options_names_is_not_sure(engine: Engine) -> None:
    asked = ("Who is responsible for scaling a DynamoDB database in the AWS Shared Responsibility Model? "
             "A. Your security team. B. Your development team. C. AWS. D. Your internal DevOps team.")
    plain = engine.ask("Who is responsible for scaling a DynamoDB database?")
    a = engine.ask(asked)
    assert plain.owner == a.owner == "shared" and plain.confidence >= 0.9 and a.confidence <= 0.8


def test_a_link_to_another_clouds_docs_names_the_platform_when_no_aws_service_is_named(engine: Engine) -> None:
    assert linked_cloud("see https://cloud.google.com/functions/docs/migrating/nodejs-runtimes") == "google cloud"
    a = engine.ask("WARNING: The nodejs12 runtime is deprecated. Please migrate to a newer Node.js version. "
                   "See https://cloud.google.com/functions/docs/migrating/nodejs-runtimes")
    assert not a.answered
    on_lambda = engine.ask("our Lambda nodejs12 runtime is deprecated, who migrates it? (GCP does it like "
                           "https://cloud.google.com/functions/docs/migrating/nodejs-runtimes)")
    assert on_lambda.answered and on_lambda.owner == "customer"


def test_a_question_about_srm_itself_is_not_an_aws_question(engine: Engine) -> None:
    a = engine.ask("how do I mute the srm bot in #platform-alerts? it replies to every thread with a "
                   "responsibility table")
    assert not a.answered


def test_a_service_named_only_to_compare_with_is_not_the_subject(engine: Engine) -> None:
    m, a = engine.explain("our Kinesis data stream shows server-side encryption disabled. isn't that encrypted by "
                          "default like SQS now? who turns it on?")
    assert "sqs" not in m.services and (a.service.id, a.owner) == ("kinesis-data-streams", "customer")
    m, _ = engine.explain("I'd like S3 to encrypt our uploads, who turns that on?")
    assert m.services == ("s3",)  # "like" the verb


def test_a_config_rule_that_came_back_non_compliant_is_ours_to_fix(engine: Engine) -> None:
    plain = engine.ask("does codebuild encrypt our build artifacts or do we?")
    finding = engine.ask("AWS Config finding on build project web-ci: codebuild-project-artifact-encryption "
                         "NON_COMPLIANT, encryptionDisabled is true. AWS or us?")
    assert plain.owner == "aws" and finding.owner == "customer" and finding.confidence <= 0.8


def test_a_vendors_api_that_an_aws_workload_calls_is_not_the_platform(engine: Engine) -> None:
    a = engine.ask("we store the auth token for the Crowdstrike API in SSM Parameter Store as a plain String. "
                   "is picking SecureString our responsibility?")
    assert a.answered and a.owner == "customer"
    trap = engine.ask("Your OpenAI API key was determined to have been leaked, which has triggered a key rotation. "
                      "is this an AWS thing?")
    assert not trap.answered  # no AWS service named: the vendor's own key


def test_options_lettered_with_a_colon_are_options(engine: Engine) -> None:
    a = engine.ask("In the AWS Shared Responsibility Model, what is AWS responsible for? A: Customer data "
                   "classification B: Guest OS patching for EC2 instances C: Security of the cloud (infrastructure)")
    assert a.owner == "aws" and "Security of the cloud" in a.summary


def test_an_accent_never_splits_a_word() -> None:
    assert words("¿Quién parchea? nous-mêmes, für, contraseña") == ["quien", "parchea", "nous", "memes", "fur",
                                                                   "contrasena"]


def test_the_commonest_words_of_other_languages_are_read(engine: Engine) -> None:
    a = engine.ask("Keyspaces : est-ce qu'on doit patcher des serveurs Cassandra nous-mêmes, comme sur notre ancien "
                   "cluster on-prem ?")
    assert (a.owner, a.duty.id) == ("aws", "guest-os-patching")


def test_a_message_mostly_in_words_srm_does_not_know_is_never_certain(engine: Engine) -> None:
    m, a = engine.explain("Pregunta del auditor: ¿quién se encarga de parchear y endurecer los servidores donde "
                          "corren nuestras consultas de Athena? No tenemos ninguna instancia propia para eso.")
    assert a.owner == "aws" and a.confidence <= 0.75 and "not ones srm reads" in m.why


def test_a_move_off_one_platform_and_onto_another_goes_to_the_second(engine: Engine) -> None:
    m, a = engine.explain("if we move the reporting DB off self-managed Postgres-on-EC2 and onto Redshift, who does "
                          "the DB and OS patching after the move?")
    assert m.moved_to and m.moved_to[0] == "redshift" and a.owner == "aws"


@pytest.mark.parametrize(("question", "owner", "option"), [
    ("Which statement is true in relation to security in AWS? A. AWS manages everything related to EC2 operating "
     "systems. B. AWS customers are responsible for patching any database software running on Amazon EC2. C. Server "
     "side encryption is the responsibility of AWS. D. AWS is responsible for the security of your application.",
     "customer", "AWS customers are responsible for patching"),
    # judged on the stem's service, by the party each option starts with
    ("A company migrates Windows file shares to Amazon FSx for Windows File Server. Which statement is correct? "
     "A) The customer must run Windows Update on the file server B) Amazon FSx performs routine patching of the "
     "Windows Server software it manages during the customer's maintenance window C) Patches are applied only on "
     "request", "aws", "Amazon FSx performs routine patching"),
])
def test_the_true_statement_is_the_claim_the_knowledge_base_agrees_with(engine: Engine, question: str, owner: str,
                                                                          option: str) -> None:
    a = engine.ask(question)
    assert a.owner == owner and option in a.summary


def test_a_statement_asked_for_as_false_is_not_judged_by_agreement(engine: Engine) -> None:
    b = engine.ask("Which statement is not true? A. AWS manages the EC2 operating systems. B. Customers patch the "
                   "database software on EC2.")
    assert "Of the statements" not in b.summary


def test_a_reading_the_services_own_stated_setting_speaks_to_leads(engine: Engine) -> None:
    # «firmware» alone reads as the hosts under AWS; IoT Core's own entry says firmware on the devices is yours
    m, a = engine.explain("We build sensors on AWS IoT Core — who pushes firmware security updates out to the devices?")
    assert (a.owner, a.duty.id, a.service.id) == ("customer", "patch-management", "iot-core")
    assert "IoT Core's own entry speaks to" in m.why
    assert a.alternative is not None and a.alternative.owner == "aws"  # the displaced reading, offered
    assert a.confidence <= 0.8
    # the same words with no service named: no entry of a service's own to speak to them
    plain = engine.ask("who pushes firmware security updates out to the devices?")
    assert not (plain.answered and plain.owner == "customer" and plain.duty.id == "patch-management")


def test_which_party_asks_who_even_beside_a_price(engine: Engine) -> None:
    a = engine.ask("Which party gives Route 53 its always-on DDoS protection at no extra cost?")
    assert a.answered and (a.owner, a.duty.id) == ("aws", "network-threat-protection")
    assert not engine.ask("Route 53 always-on DDoS protection at no extra cost?").answered  # a price question


def test_a_5xx_from_an_aws_api_is_on_the_aws_side_and_a_4xx_is_not(engine: Engine) -> None:
    a = engine.ask("Glue StartJobRun keeps failing with InternalServiceException — our bug or AWS's?")
    assert a.answered and a.owner == "aws" and a.scenario.id == "aws-api-server-error"
    denied = engine.ask("Glue StartJobRun fails with AccessDeniedException — our bug or AWS's?")
    assert not (denied.answered and denied.owner == "aws")


def test_rds_for_sql_server_is_license_included_unless_media_is_brought(engine: Engine) -> None:
    included = engine.ask("do we buy SQL Server licences for our RDS for SQL Server instance, or is that AWS?")
    assert included.owner == "aws"
    assert engine.ask("RDS for SQL Server with bring your own media (license mobility): whose SQL Server licences "
                      "are they?").owner == "customer"
    assert engine.ask("RDS for Oracle with BYOL: who holds the Oracle licences?").owner == "customer"


def test_under_the_model_is_not_the_underlying_hosts(engine: Engine) -> None:
    # the stemmer reads "underlying" as "under": "hosts under the SRM" must not be the hosts under the service
    a = engine.ask("Configuration management of network devices and hosts under the AWS SRM: AWS, customer, or both?")
    assert (a.owner, a.duty.id) == ("shared", "configuration-management")
    assert engine.ask("who patches the underlying hosts of Lambda?").owner == "aws"


def test_inter_region_peering_traffic_is_encrypted_by_aws_other_traffic_is_ours(engine: Engine) -> None:
    peered = engine.ask("inter-Region VPC peering between our VPCs: do we encrypt the traffic or AWS?")
    assert (peered.owner, peered.duty.id) == ("aws", "encryption-in-transit")
    assert engine.ask("who encrypts the traffic between our VPCs in one Region?").owner == "customer"


def test_a_notice_saying_customers_need_do_nothing_is_about_an_aws_fix(engine: Engine) -> None:
    quoted = ("AWS Glue connection password leakage: a principal with glue:GetConnection could read the database "
              "password in the console. manualRemediation: None required. Who fixes this?")
    a = engine.ask(quoted)
    assert a.answered and a.owner == "aws" and a.confidence <= 0.8
    plain = engine.ask("a principal with glue:GetConnection can read the database password in the console. "
                       "Who fixes this?")
    assert not (plain.answered and plain.owner == "aws")
    # a notice that asks for action when a setting is off is not one that asks nothing
    conditional = engine.ask("CodeDeploy agent 1.3.2 fixes a CVE. If your agent updates automatically, no action "
                             "is required. Otherwise, action is required to manually update the agent. Who updates "
                             "ours, baked into the AMI?")
    assert conditional.owner == "customer"
    # "AWS has since fixed …" said, not asked
    told = engine.ask("A flaw in Bedrock's model access control let IAM policies be bypassed. AWS has since fixed "
                      "the issue and notified affected customers. Who had to fix the condition-key enforcement?")
    assert told.owner == "aws"
    asked = engine.ask("someone re-encrypted our S3 objects with SSE-C using our leaked keys. Do we need to do "
                       "anything or has AWS fixed it?")
    assert asked.owner != "aws"


def test_a_control_title_pasted_without_its_id_names_the_control(engine: Engine) -> None:
    m = engine.matcher.match('Security Hub: "EKS clusters should use encrypted Kubernetes secrets" FAILED for '
                             "cluster prod-eks. AWS thing or us thing?")
    assert m.controls == ("EKS.3",)
    assert engine.ask('Security Hub: "EKS clusters should use encrypted Kubernetes secrets" FAILED for cluster '
                      "prod-eks. AWS thing or us thing?").owner == "customer"
    assert not engine.matcher.match("do EKS clusters use encrypted Kubernetes secrets by default?").controls


def test_a_service_named_beside_many_unread_words_gets_no_split(engine: Engine) -> None:
    a = engine.ask("who is responsible for eks security, mgmt wants to know")
    assert a.answered and a.owner == "shared"
    b = engine.ask("<@U04QX7ZKQ> who owns the #sec-findings channel now that Priya moved teams? the GuardDuty bot "
                   "keeps posting there and nobody's subscribed lol")
    assert not b.answered
    # a task written in a script srm cannot read is not "who secures RDS?"
    assert not engine.ask("使用 Amazon RDS 时,加密策略和访问控制是谁的责任?").answered


def test_the_platform_a_team_comes_from_is_not_the_subject(engine: Engine) -> None:
    came = engine.matcher.match("with Amazon Keyspaces do we have to patch any Cassandra nodes? coming from "
                                "self-managed Cassandra on EC2")
    assert came.services[0] == "keyspaces"
    still = engine.matcher.match("with Amazon Keyspaces as the target, do we patch the Cassandra nodes we run on EC2?")
    assert still.services[0] == "ec2"
