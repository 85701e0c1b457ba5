"""The `srm` command, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, ROOT, anchored

SRM = [str(Path(sys.executable).with_name("srm"))]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SRM, *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_ask_text() -> None:
    r = run("ask", "who patches rds")
    assert r.returncode == 0 and "Owner:     AWS" in r.stdout and "Sources:" in r.stdout


def test_ask_json_single() -> None:
    r = run("ask", "--json", "who encrypts ebs volumes")
    data = json.loads(r.stdout)
    assert data["owner"] == "customer" and data["service"]["id"] == "ebs"


def test_ask_json_batch_keeps_order_one_object_per_line() -> None:
    questions = ["who patches rds", "", "whats for lunch", "who patches the guest os on ec2"]
    r = run("ask", "--json", stdin="\n".join(questions) + "\n")
    lines = r.stdout.splitlines()
    assert r.returncode == 0 and len(lines) == 4
    got = [json.loads(line) for line in lines]
    assert [g["question"] for g in got] == questions
    assert [g["owner"] for g in got] == ["aws", None, None, "customer"]


def test_chat_reads_stdin_when_piped() -> None:
    r = run("chat", stdin="who patches rds\nwho rotates access keys\n")
    assert r.returncode == 0 and r.stdout.count("Owner:") == 2


def test_validate_ok_and_broken(tmp_path: Path) -> None:
    assert run("validate").returncode == 0
    (tmp_path / "bad.yaml").write_text("duties:\n  - id: x\n    title: [\n")
    r = run("validate", str(tmp_path))
    assert r.returncode == 2 and "bad.yaml: YAML syntax error" in r.stderr and "Traceback" not in r.stderr


def test_validate_rejects_a_fact_without_its_section_or_evidence(tmp_path: Path) -> None:
    kb = anchored(tmp_path / "kb")
    assert run("validate", str(kb)).returncode == 0
    path = kb / "kb.yaml"
    good = path.read_text()
    maintenance = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Maintenance.html"
    path.write_text(good.replace(f"{maintenance}#USER_UpgradeDBInstance.Maintenance", maintenance))
    r = run("validate", str(kb))
    assert r.returncode == 1 and "error: override rds/guest-os-patching: no source names the section" in r.stderr
    path.write_text(good.replace("        evidence: The cited section states this entry's split (test fixture).\n",
                                 "", 1))
    r = run("validate", str(kb))
    assert r.returncode == 1 and "error: override rds/guest-os-patching: no `evidence` line" in r.stderr
    variant = ("        variants:\n          - when: [optional os update]\n            owner: customer\n"
               "            aws_does: Optional updates wait.\n            customer_does: Apply them.\n")
    with_variant = good.replace("        controls: [RDS.13]\n", "        controls: [RDS.13]\n" + variant)
    path.write_text(with_variant)
    r = run("validate", str(kb))
    assert r.returncode == 1 and "error: variant rds/guest-os-patching when 'optional os update': no `evidence`" \
        in r.stderr
    path.write_text(with_variant.replace("customer_does: Apply them.\n",
                                         "customer_does: Apply them.\n            evidence: Optional ones wait.\n"))
    assert run("validate", str(kb)).returncode == 0


def test_knowledge_flag_reports_problems_in_one_place() -> None:
    r = run("--knowledge", str(FIXTURES / "does-not-exist"), "ask", "who patches rds")
    assert r.returncode == 2 and "knowledge directory not found" in r.stderr


def test_eval_lists_misses_and_gates() -> None:
    r = run("eval", str(FIXTURES / "questions.yaml"), "--min", "0.95")
    assert r.returncode == 0, r.stdout
    assert r.stdout.startswith("owner right:")
    assert run("eval", str(FIXTURES / "questions.yaml"), "--min", "1.01").returncode == 1


def test_eval_reports_calibration_and_topic_on_real_question_files() -> None:
    r = run("eval", str(FIXTURES / "realworld_sample.yaml"), "--json")
    data = json.loads(r.stdout)
    assert data["total"] == 4 and data["topic_checked"] >= 2
    assert sum(b["answered"] for b in data["calibration"].values()) == data["answered"]
    text = run("eval", str(FIXTURES / "realworld_sample.yaml")).stdout
    assert "about the topic asked:" in text and "≥ 0.9" in text


def test_ask_explain_shows_the_reading_then_the_answer() -> None:
    r = run("ask", "--explain", "our RDS Custom for Oracle db was never patched — whose job was the OS?")
    lines = r.stdout.splitlines()
    assert r.returncode == 0 and lines[0].startswith("question:")
    assert any(line.startswith("services:    rds-custom-oracle") for line in lines), r.stdout  # not plain RDS
    assert "~not" in r.stdout  # the negation is read, not dropped
    assert any(line.startswith("confidence:") for line in lines) and "Owner:" in r.stdout
    several = run("ask", "--explain", "we run postgres on rds. the auditors ask: who patches the os?").stdout
    assert "asking:      who patch the os" in several  # the clause whose words weigh most (folded words)


def test_service_card_and_report() -> None:
    r = run("service", "rds")
    assert r.returncode == 0 and "Amazon RDS" in r.stdout and "Guest operating system patching" in r.stdout
    r = run("report", "--json")
    data = json.loads(r.stdout)
    assert data["services"] >= 60 and set(data["services_per_category"]) == {
        "infrastructure", "container", "abstracted"}
    assert run("service", "no such thing").returncode == 1
    # issue 8 Proof: entries per source page and controls per duty
    assert data["source_pages"] == len(data["entries_per_source_page"]) > 100
    assert data["entries_per_source_page"]["https://aws.amazon.com/compliance/shared-responsibility-model/"] > 10
    assert data["controls_per_duty"]["guest-os-patching"]["controls"][:2] == ["SSM.1", "SSM.2"]
    assert data["controls_per_duty"]["staff-training"] == {"controls": [], "exempt": data["controls_per_duty"][
        "staff-training"]["exempt"]} and data["controls_per_duty"]["staff-training"]["exempt"]
    text = run("report", "--top", "3").stdout
    assert "entries per source page, most cited:" in text and "controls per duty:" in text
    assert "    container-images                2  ECR.1, Inspector.2" in text


def test_overdue_entries_warn_in_validate_and_show_in_report(tmp_path: Path) -> None:
    kb = anchored(tmp_path / "kb")
    path = kb / "kb.yaml"
    old, new = "reviewed: 2026-11-01\n    overrides:", "reviewed: 2020-01-01\n    overrides:"
    path.write_text(path.read_text().replace(old, new))
    r = run("validate", str(kb))
    assert r.returncode == 0 and "warning: service 'rds' was reviewed 2020-01-01" in r.stderr
    assert "1 due for review" in r.stdout
    report = json.loads(run("--knowledge", str(kb), "report", "--json").stdout)
    assert [d["id"] for d in report["due_for_review"]] == ["rds"]
    answer = run("--knowledge", str(kb), "ask", "who secures rds").stdout
    assert "may be outdated" in answer


def test_security_hub_control_ids_in_the_cli() -> None:
    r = run("ask", "--json", stdin="who owns EC2.8?\nSecurity Hub control S3.8 failed — whose job?\nwho owns S3.4?\n"
                                   "who owns EC2.999?\n")
    got = [json.loads(line) for line in r.stdout.splitlines()]
    assert [g["owner"] for g in got] == ["customer", "customer", None, None]
    assert got[0]["controls"][0]["id"] == "EC2.8" and got[1]["controls"][0]["id"] == "S3.8"
    assert "retired" in got[2]["summary"] and "EC2.999" in got[3]["summary"]
