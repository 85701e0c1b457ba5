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
        "controls:\n  - {id: RDS.13, title: again, service: Amazon RDS}\n")
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
