"""The review's findings (issue 8 §1), each pinned by a question whose answer it changed, and the control links
it found unfitting, which must stay gone."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.knowledge.model import KnowledgeBase


@pytest.mark.parametrize(("question", "owner", "service", "duty"), [
    # abstracted services: AWS runs the resilient service, your data's backup/versioning/replication is yours
    ("who is responsible for disaster recovery for s3", "shared", "s3", "disaster-recovery"),
    ("who is responsible for disaster recovery for dynamodb", "shared", "dynamodb", "disaster-recovery"),
    # RDS Extended Support: MySQL and PostgreSQL only; disabled, RDS upgrades at the end of standard support
    ("with extended support disabled, who does the major version upgrade of our rds postgres db?", "aws", "rds",
     "major-version-upgrades"),
    # Redshift: new provisioned clusters and serverless workgroups are encrypted at rest by default
    ("who encrypts new redshift provisioned clusters at rest?", "aws", "redshift", "encryption-at-rest"),
    # RDS Custom matrix: high availability is AWS's for both engines, backups AWS's for SQL Server
    ("who handles high availability for rds custom for sql server?", "aws", "rds-custom-sqlserver",
     "high-availability"),
    ("who handles high availability for rds custom for oracle?", "aws", "rds-custom-oracle", "high-availability"),
    ("who takes backups for rds custom for sql server?", "aws", "rds-custom-sqlserver", "backups"),
    # Lambda at rest: code and configuration under an AWS owned key by default; a customer managed key is yours
    ("who encrypts lambda function code at rest?", "aws", "lambda", "encryption-at-rest"),
    ("who encrypts lambda environment variables with a customer managed key?", "customer", "lambda",
     "encryption-at-rest"),
])
def test_each_finding_is_answered_as_the_docs_say(engine: Engine, question: str, owner: str, service: str,
                                                  duty: str) -> None:
    a = engine.ask(question)
    assert (a.owner, a.service.id if a.service else None, a.duty.id if a.duty else None) == (owner, service, duty)


def test_extended_support_is_said_to_cover_only_mysql_and_postgresql(kb: KnowledgeBase) -> None:
    rds = kb.services["rds"].overrides
    text = rds["deprecated-runtimes"].aws_does + rds["deprecated-runtimes"].customer_does
    assert "MySQL and PostgreSQL" in text and "Oracle, SQL Server, Db2 and MariaDB don't" in text


@pytest.mark.parametrize(("where", "control"), [
    ("duty container-images", "ECS.4"), ("duty container-images", "ECS.5"),  # runtime settings, not patching
    ("duty disaster-recovery", "Backup.1"),  # recovery-point encryption
    ("ec2 certificate-management", "ELB.1"),  # an HTTP→HTTPS redirect on a load balancer
    ("rds-custom guest-os-patching", "RDS.13"), ("rds-custom-oracle guest-os-patching", "RDS.13"),  # engine upgrades
    ("sagemaker-notebooks guest-os-patching", "SSM.2"),  # an EC2 patch-compliance control
    ("scenario eks-endpoint-public", "EKS.2"),  # the supported Kubernetes version
])
def test_control_links_that_did_not_fit_stay_gone(engine: Engine, kb: KnowledgeBase, where: str,
                                                  control: str) -> None:
    kind, what = where.split()
    checks = kb.evidenced_by(control)  # (service or None for any, duty): the link can never come back
    if kind == "duty":
        assert control not in kb.duties[what].controls and what not in {d for _, d in checks}
    elif kind == "scenario":
        assert control not in kb.scenarios[what].prevent
    else:
        assert (kind, what) not in checks and (None, what) not in checks
        service = kb.services[kind]
        override = service.overrides.get(what)
        assert override is None or control not in override.controls
        answer = engine.ask(f"who owns {what.replace('-', ' ')} on {service.name}?")
        assert control not in [c.id for c in answer.controls]
