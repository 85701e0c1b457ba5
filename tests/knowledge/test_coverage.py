"""Breadth of the shipped knowledge base: every service and every incident scenario is reachable."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from bot.engine import Engine
from bot.knowledge.model import CATEGORIES, KnowledgeBase

# Two phrasings per scenario, written here in incident-channel style (not copied from the knowledge base).
SCENARIOS = {
    "s3-bucket-public": ["our s3 bucket was readable by anyone, who messed up?",
                         "incident: customer files in a bucket were public on the internet"],
    "rds-snapshot-public": ["someone made an rds snapshot public", "a db snapshot was shared publicly by mistake"],
    "rds-instance-public": ["our rds instance was publicly accessible from the internet",
                            "prod postgres on rds was reachable from the whole internet"],
    "ebs-snapshot-public": ["an ebs snapshot was shared publicly", "found a public ebs snapshot with customer data"],
    "opensearch-domain-public": ["our opensearch domain was open to the internet",
                                 "elasticsearch cluster was public and data leaked"],
    "s3-data-deleted-by-insider": ["a disgruntled employee deleted our s3 data",
                                   "an insider wiped objects from our bucket"],
    "access-key-leaked": ["a developer pushed aws access keys to a public github repo",
                          "our secret access key leaked on pastebin"],
    "root-account-compromised": ["someone hacked our root account", "the root user of prod was compromised"],
    "credentials-phished": ["an engineer got phished and gave away console credentials",
                            "phishing email stole an employee's aws password"],
    "cryptomining-stolen-keys": ["attackers used stolen keys to run crypto miners",
                                 "bitcoin mining instances appeared in our account"],
    "abuse-report-from-our-resource": ["aws trust and safety sent an abuse report about our ec2 instance",
                                       "our instance is engaging in port scanning against third parties per aws"],
    "ses-account-under-review": ["our ses account is under review because of a high bounce rate",
                                 "ses put us on probation, bounce rate exceeding 10%"],
    "secrets-hardcoded": ["db password was hardcoded in our source code", "api secret committed to the git repo"],
    "imds-ssrf-credential-theft": ["ssrf on our web app stole instance role credentials from imdsv1",
                                   "attacker read 169.254.169.254 through ssrf"],
    "iam-role-overpermissive-abused": ["an iam role with admin access was abused",
                                       "overly broad iam policy got exploited"],
    "root-mfa-lost": ["we lost the root mfa device", "root mfa token is broken and we are locked out"],
    "unpatched-ec2-exploited": ["an unpatched ec2 server got hacked", "attackers exploited an outdated os on ec2"],
    "ransomware-on-instance": ["ransomware encrypted files on our ec2 instance",
                               "windows server hit by ransomware"],
    "vulnerable-app-library-on-ec2": ["log4shell in our java app on ec2",
                                      "openssl cve in the app running on our server"],
    "lambda-vulnerable-library": ["a lambda function has a vulnerable npm dependency",
                                  "outdated library with a cve in our lambda"],
    "lambda-runtime-deprecated": ["our lambda python runtime is deprecated", "node runtime end of life on lambda"],
    "lambda-function-url-no-auth": ["lambda function url had auth type none",
                                    "anyone on the internet could invoke our lambda url"],
    "container-image-vulnerable": ["our docker image has a critical cve",
                                   "ecr scan found vulnerabilities in the image"],
    "eks-endpoint-public": ["eks api server endpoint open to the internet",
                            "kubernetes api of our eks cluster was public"],
    "hypervisor-or-cpu-vulnerability": ["a spectre style cpu vulnerability on aws hosts",
                                        "vulnerability found in the aws hypervisor"],
    "security-group-open-ssh-rdp": ["security group allowed ssh from 0.0.0.0/0",
                                    "rdp port was open to the whole world"],
    "ddos-attack": ["we are being ddosed", "a ddos attack took our site down"],
    "cloudfront-origin-bypass": ["users bypass cloudfront and hit the origin directly",
                                 "our alb origin was reachable without going through cloudfront"],
    "dangling-dns-record": ["subdomain takeover through a dangling cname",
                            "dangling dns record pointed at a deleted bucket"],
    "plaintext-traffic": ["data was sent over plain http without tls",
                          "database connection was not encrypted in transit"],
    "tls-certificate-expired": ["our tls certificate expired on the load balancer",
                                "the https cert expired last night"],
    "cloudtrail-disabled": ["someone turned off cloudtrail", "cloudtrail trail was deleted by an attacker"],
    "guardduty-findings-ignored": ["nobody acted on guardduty findings", "guardduty high severity alert was ignored"],
    "kms-key-pending-deletion": ["a kms key was scheduled for deletion", "someone scheduled our cmk for deletion"],
    "ebs-volume-unencrypted": ["auditors found unencrypted ebs volumes", "ebs volumes in prod are not encrypted"],
    "backups-deleted": ["all our backups were deleted", "the attacker wiped the backup vault"],
    "s3-ransomware": ["ransom note in our s3 bucket", "objects in s3 encrypted by the attacker's kms key"],
    "rds-database-deleted": ["someone deleted the prod rds database", "our aurora cluster was deleted by accident"],
    "hardware-failure-aws-facility": ["aws had a hardware failure under our instance",
                                      "ec2 instance scheduled for retirement due to degraded hardware"],
    "aws-service-outage": ["aws service outage is hitting us", "elevated api error rates from aws"],
    "aws-api-server-error": ["our lambda gets InternalServerException back from the dynamodb api, our bug or aws?",
                             "support says it is a known bug in the service"],
    "single-az-design-failed": ["our app died with us-east-1a because we ran it all in one az",
                                "az outage took our rds down and we never enabled multi-az"],
    "single-region-design-failed": ["we were down all day with us-east-1 because everything runs in one region",
                                    "the region went down and we had no multi-region failover, is that on aws?"],
    "az-outage": ["an availability zone went down", "we lost one az this morning"],
    "region-outage": ["the whole us-east-1 region is down", "regional outage took everything down"],
}


def test_breadth(kb: KnowledgeBase) -> None:
    per_category = {c: sum(s.category == c for s in kb.services.values()) for c in CATEGORIES}
    assert len(kb.services) >= 120 and all(n >= 10 for n in per_category.values()), per_category
    assert len(kb.scenarios) >= 25 and len(kb.duties) >= 40


def test_every_scenario_has_two_phrasings_here(kb: KnowledgeBase) -> None:
    assert set(SCENARIOS) == set(kb.scenarios)


@pytest.mark.parametrize(("scenario", "question"), [(s, q) for s, qs in SCENARIOS.items() for q in qs])
def test_scenario_resolves(engine: Engine, scenario: str, question: str) -> None:
    a = engine.ask(question)
    assert a.answered, (question, a.summary)
    assert a.scenario is not None and a.scenario.id == scenario, (question, a.scenario, a.duty)
    assert a.owner == engine.kb.scenarios[scenario].owner
    assert a.steps and a.controls


def test_who_secures_works_for_every_service(engine: Engine) -> None:
    misses = []
    for service in engine.kb.services.values():
        for q in (f"who secures {service.name}?", f"who is responsible for {service.aliases[0]} security"):
            a = engine.ask(q)
            if not (a.answered and a.owner == "shared" and a.service and a.service.id == service.id):
                misses.append((q, a.service.id if a.service else None, a.owner))
    assert not misses


def test_every_service_card_lists_every_duty(engine: Engine) -> None:
    for service in engine.kb.services.values():
        card = engine.service_card(service.id)
        assert card is not None and len(card.rows) == len(engine.kb.duties)


def _urls(kb: KnowledgeBase) -> list[str]:
    urls = [u for c in kb.categories.values() for u in c.provenance.sources]
    urls += [u for d in kb.duties.values() for u in d.provenance.sources]
    urls += [u for s in kb.services.values() for u in s.provenance.sources]
    urls += [u for s in kb.services.values() for o in s.overrides.values() for u in o.provenance.sources]
    urls += [u for sc in kb.scenarios.values() for u in sc.provenance.sources]
    return urls


def test_every_url_is_well_formed_and_on_an_aws_documentation_host(kb: KnowledgeBase) -> None:
    for url in _urls(kb):
        parts = urlparse(url)
        assert parts.scheme == "https" and parts.netloc in {"docs.aws.amazon.com", "aws.amazon.com",
                                                            "d1.awsstatic.com"}, url
        assert parts.path.startswith("/") and not re.search(r"\s", url), url


def test_no_alias_is_claimed_twice(kb: KnowledgeBase) -> None:
    seen: dict[str, str] = {}
    for s in kb.services.values():
        for alias in {a.lower() for a in s.aliases}:
            assert seen.setdefault(alias, s.id) == s.id, (alias, seen[alias], s.id)


def test_every_customer_side_answer_recommends_a_live_control(kb: KnowledgeBase) -> None:
    for duty in kb.duties.values():
        if {duty.owner, *duty.by_category.values()} & {"customer", "shared"}:
            assert duty.controls or duty.controls_exempt, duty.id
        assert all(duty.id in kb.controls[c].evidences for c in duty.controls), duty.id
    # exemptions stay the exception: a control that fits is always preferred to "none checks this"
    assert len([d for d in kb.duties.values() if d.controls_exempt]) <= 6
    for sc in kb.scenarios.values():
        assert sc.prevent and not set(sc.prevent) & set(kb.retired_controls), sc.id
        assert all({sc.duty, *sc.prevent_duties} & set(kb.controls[c].evidences) for c in sc.prevent), sc.id
