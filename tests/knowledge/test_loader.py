"""Loading and validation: each kind of bad file yields its own file/entry/reason message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.loader import KnowledgeError, load
from tests.conftest import FIXTURES

MINI = FIXTURES / "mini_kb"


@pytest.fixture
def kbdir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(MINI, target)
    return target


def edit(kbdir: Path, old: str, new: str) -> None:
    path = kbdir / "kb.yaml"
    text = path.read_text()
    assert old in text, f"fixture does not contain {old!r}"
    path.write_text(text.replace(old, new, 1))


def problems(kbdir: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load(kbdir)
    return [str(p) for p in info.value.problems]


def test_mini_kb_loads(kbdir: Path) -> None:
    kb = load(kbdir)
    assert kb.counts()["services"] == 3
    assert kb.services["rds"].overrides["guest-os-patching"].owner == "aws"


def test_yaml_syntax_error_names_file_and_line(kbdir: Path) -> None:
    (kbdir / "broken.yaml").write_text("services:\n  - id: x\n    name: [unclosed\n")
    [msg] = problems(kbdir)
    assert msg.startswith("kb/broken.yaml: YAML syntax error at line")


def test_a_repeated_key_is_an_error_not_a_silent_overwrite(kbdir: Path) -> None:
    # YAML would keep the second `evidence:` and drop the first without a word
    (kbdir / "twice.yaml").write_text("services:\n  - id: x\n    name: X\n    name: Y\n")
    [msg] = problems(kbdir)
    assert msg.startswith("kb/twice.yaml: YAML syntax error at line 4") and "duplicate key 'name'" in msg


def test_unknown_owner(kbdir: Path) -> None:
    edit(kbdir, "owner: customer\n    by_category", "owner: nobody\n    by_category")
    [msg] = problems(kbdir)
    assert "duty 'guest-os-patching'" in msg and "owner" in msg and "'aws', 'customer' or 'shared'" in msg


def test_unknown_category(kbdir: Path) -> None:
    edit(kbdir, "category: container", "category: serverless")
    [msg] = problems(kbdir)
    assert "service 'rds'" in msg and "category" in msg


def test_alias_claimed_twice(kbdir: Path) -> None:
    edit(kbdir, "aliases: [rds]", "aliases: [rds, ec2]")
    msgs = problems(kbdir)
    assert any("alias 'ec2' is also claimed by service 'ec2'" in m for m in msgs)


def test_unknown_duty_in_override(kbdir: Path) -> None:
    edit(kbdir, "- duty: guest-os-patching", "- duty: guest-os-pathcing")
    [msg] = problems(kbdir)
    assert msg == "kb/kb.yaml: service 'rds': overrides[0].duty: unknown duty 'guest-os-pathcing'"


def test_unknown_service_in_scenario(kbdir: Path) -> None:
    edit(kbdir, "services: [s3]", "services: [s4]")
    [msg] = problems(kbdir)
    assert "scenario 'public-bucket'" in msg and "unknown service 's4'" in msg


def test_unknown_control(kbdir: Path) -> None:
    edit(kbdir, "controls: [RDS.13]", "controls: [RDS.999]")
    [msg] = problems(kbdir)
    assert "service 'rds'" in msg and "unknown control RDS.999" in msg


def test_retired_control_is_rejected_with_replacement(kbdir: Path) -> None:
    edit(kbdir, "prevent: [S3.1]", "prevent: [S3.4]")
    [msg] = problems(kbdir)
    assert "scenario 'public-bucket'" in msg and "retired control S3.4" in msg and "S3.17" in msg


def test_missing_source(kbdir: Path) -> None:
    edit(kbdir, '    sources: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/security.html"]\n', "")
    [msg] = problems(kbdir)
    assert msg == "kb/kb.yaml: service 's3': missing source"


def test_source_must_be_aws_docs(kbdir: Path) -> None:
    edit(kbdir, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/security.html",
         "https://example.com/s3")
    [msg] = problems(kbdir)
    assert "service 's3'" in msg and "AWS documentation host" in msg


def test_customer_duty_needs_a_control(kbdir: Path) -> None:
    edit(kbdir, "    controls: [SSM.2]\n", "")
    [msg] = problems(kbdir)
    assert "duty 'guest-os-patching'" in msg and "at least one control" in msg


def test_duplicate_id_across_files(kbdir: Path) -> None:
    (kbdir / "more.yaml").write_text(
        "controls:\n  - {id: RDS.13, title: again, service: Amazon RDS, evidences: [guest-os-patching]}\n")
    [msg] = problems(kbdir)
    assert "control 'RDS.13'" in msg and "duplicate" in msg


def test_every_problem_is_reported_at_once(kbdir: Path) -> None:
    edit(kbdir, "controls: [RDS.13]", "controls: [RDS.999]")
    edit(kbdir, "services: [s3]", "services: [s4]")
    assert len(problems(kbdir)) == 2


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="knowledge directory not found"):
        load(tmp_path / "nope")


def test_shipped_knowledge_base_is_valid(kb) -> None:
    counts = kb.counts()
    assert counts["services"] >= 60 and counts["duties"] >= 40


# --- controls declare the duties they evidence (issue 8 §2) -------------------------------------------------

def test_a_control_linked_to_a_duty_it_does_not_evidence_is_rejected(kbdir: Path) -> None:
    edit(kbdir, "    controls: [SSM.2]\n", "    controls: [SSM.2, S3.1]\n")
    [msg] = problems(kbdir)
    assert msg == ("kb/kb.yaml: duty 'guest-os-patching': controls: control S3.1 does not evidence duty "
                   "'guest-os-patching' (it evidences: resource-policies)")


def test_an_override_may_recommend_only_controls_evidencing_its_duty(kbdir: Path) -> None:
    edit(kbdir, "controls: [RDS.13]", "controls: [RDS.13, S3.1]")
    [msg] = problems(kbdir)
    assert "service 'rds'" in msg and "overrides[0].controls: control S3.1 does not evidence duty" in msg


def test_a_control_naming_its_services_is_recommended_only_from_them(kbdir: Path) -> None:
    edit(kbdir, "service: Amazon RDS, evidences: [guest-os-patching]}",
         "service: Amazon RDS, evidences: [guest-os-patching], services: [ec2]}")
    [msg] = problems(kbdir)
    assert msg == "kb/kb.yaml: service 'rds': overrides[0].controls: control RDS.13 checks ec2, not 'rds'"


def test_a_scenario_control_must_evidence_its_duty_or_a_prevent_duty(kbdir: Path) -> None:
    edit(kbdir, "prevent: [S3.1]", "prevent: [S3.1, SSM.2]")
    [msg] = problems(kbdir)
    assert "scenario 'public-bucket'" in msg and "control SSM.2 does not evidence duty 'resource-policies'" in msg
    edit(kbdir, "prevent: [S3.1, SSM.2]", "prevent: [S3.1, SSM.2]\n    prevent_duties: [guest-os-patching]")
    assert load(kbdir).scenarios["public-bucket"].prevent_duties == ("guest-os-patching",)


def test_a_control_must_evidence_known_duties(kbdir: Path) -> None:
    edit(kbdir, "evidences: [resource-policies]", "evidences: [resource-policies, bucket-hygiene]")
    [msg] = problems(kbdir)
    assert msg == "kb/kb.yaml: control 'S3.1': evidences: unknown duty 'bucket-hygiene'"


def test_a_control_without_evidences_is_rejected(kbdir: Path) -> None:
    edit(kbdir, ", evidences: [resource-policies]}", "}")
    msgs = problems(kbdir)
    assert "kb/kb.yaml: control 'S3.1': missing evidences" in msgs


def test_a_customer_duty_without_a_fitting_control_says_why(kbdir: Path) -> None:
    edit(kbdir, "    controls: [SSM.2]\n", "    controls_exempt: No Security Hub control checks this.\n")
    assert load(kbdir).duties["guest-os-patching"].controls_exempt == "No Security Hub control checks this."
    edit(kbdir, "    controls_exempt: No Security Hub control checks this.\n",
         "    controls: [SSM.2]\n    controls_exempt: No Security Hub control checks this.\n")
    [msg] = problems(kbdir)
    assert "controls_exempt: the duty recommends controls" in msg


def test_the_reverse_index_comes_from_the_declarations(kbdir: Path) -> None:
    kb = load(kbdir)
    assert kb.evidenced_by("SSM.2") == (("ec2", "guest-os-patching"),)
    assert kb.evidenced_by("S3.1") == ((None, "resource-policies"),)
    assert kb.evidenced_by("S3.4") == () and kb.evidenced_by("EC2.999") == ()
    assert kb.controls_for("guest-os-patching") == ("SSM.2", "RDS.13")


def test_the_shipped_controls_fit_the_audited_links(kb) -> None:
    """Issue 8 §1: links the review found that check something else are gone, and cannot come back."""
    assert not {"ECS.4", "ECS.5", "ECS.20"} & set(kb.duties["container-images"].controls)
    assert "Backup.1" not in kb.duties["disaster-recovery"].controls
    assert "ELB.1" not in kb.services["ec2"].overrides["certificate-management"].controls
    assert "RDS.13" not in kb.services["rds-custom-oracle"].overrides["guest-os-patching"].controls
    assert "SSM.2" not in kb.services["sagemaker-notebooks"].overrides["guest-os-patching"].controls
    assert "EKS.2" not in kb.scenarios["eks-endpoint-public"].prevent
    assert "container-images" not in kb.controls["ECS.4"].evidences
    assert "disaster-recovery" not in kb.controls["Backup.1"].evidences
    assert "sagemaker-notebooks" not in kb.controls["SSM.2"].services
    assert kb.evidenced_by("EC2.8")[0] == (None, "instance-management")
    assert kb.evidenced_by("RDS.13")[0] == (None, "engine-patching")
    assert ("kms", "key-management") not in kb.evidenced_by("KMS.4") and (None, "key-management") in \
        kb.evidenced_by("KMS.4")


def test_checkability_counts_entries_without_an_evidence_line_or_anchor(kbdir: Path) -> None:
    from bot.knowledge.review import checkability

    before = checkability(load(kbdir))  # every entry says what it rests on, but no source names a section
    assert before.entries == 11 and not before.without_evidence and len(before.without_anchor) == 11
    rds = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Maintenance.html"
    edit(kbdir, f'sources: ["{rds}"]\n        evidence: The cited section states this entry\'s split (test fixture).',
         f'sources: ["{rds}#Mandatory_OS_Updates"]')
    kb = load(kbdir)
    assert kb.services["rds"].overrides["guest-os-patching"].provenance.evidence is None
    after = checkability(kb)
    assert after.without_evidence == ("override rds/guest-os-patching",)
    assert "override rds/guest-os-patching" not in after.without_anchor and len(after.without_anchor) == 10


def test_a_duty_may_carry_variants_and_each_needs_its_evidence(kbdir: Path) -> None:
    from bot.knowledge.review import checkability

    edit(kbdir, "    controls: [SSM.2]\n", "    controls: [SSM.2]\n    variants:\n      - when: [managed nodes]\n"
                                           "        owner: aws\n        aws_does: AWS patches them.\n"
                                           "        customer_does: Nothing.\n")
    kb = load(kbdir)
    [variant] = kb.duties["guest-os-patching"].variants
    assert (variant.when, variant.owner, variant.evidence) == (("managed nodes",), "aws", None)
    assert "variant guest-os-patching when 'managed nodes'" in checkability(kb).without_evidence


def test_a_service_scope_is_read_from_the_file_and_checked(kbdir: Path) -> None:
    assert not load(kbdir).services["rds"].account_wide  # no scope: a workload
    edit(kbdir, "category: container", "category: container\n    scope: reporting")
    rds = load(kbdir).services["rds"]
    assert (rds.account_wide, rds.reports) == (True, True)
    edit(kbdir, "scope: reporting", "scope: everywhere")
    [msg] = problems(kbdir)
    assert "service 'rds'" in msg and "scope" in msg


def test_account_scope_services_lend_their_control_families_to_every_answer(kb) -> None:
    assert {"account", "iam", "cloudtrail", "kms"} <= kb.account_families
    assert "inspector" not in kb.account_families  # a reporting tool's controls check particular resources
