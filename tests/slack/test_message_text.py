"""What "Who owns this?" reads from a message: text, blocks and attachments, bounded and defensive."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.slack.message_text import MAX_CHARS, message_text
from tests.slack import payloads


def fixture(name: str) -> dict:
    return {k: v for k, v in payloads.load(name).items() if k != "comment"}


def test_a_security_hub_finding_posted_as_attachments() -> None:
    text = message_text(fixture("message_securityhub_attachments"))
    assert "EC2.8 EC2 instances should use Instance Metadata Service Version 2" in text
    assert "Severity: HIGH" in text and "Compliance: FAILED" in text
    assert text.count("Security Hub Finding | us-east-1") == 1  # pretext and fallback are the same: kept once


def test_a_security_hub_finding_posted_as_blocks() -> None:
    text = message_text(fixture("message_securityhub_blocks"))
    for part in ("Security Hub: S3.8 FAILED", "block public access", "HIGH", "security-control/S3.8"):
        assert part in text
    assert "Acknowledge" not in text  # buttons are not what the message says


def test_a_guardduty_finding_in_rich_text() -> None:
    text = message_text(fixture("message_guardduty_blocks"))
    assert "CryptoCurrency:EC2/BitcoinTool.B!DNS" in text and "Bitcoin mining" in text
    assert text.count("GuardDuty finding") == 1  # the text repeats the blocks


def test_the_text_and_its_rich_text_copy_are_read_once() -> None:
    text = message_text(payloads.load("message_action")["message"])
    assert text.count("was public for two days") == 1


@pytest.mark.parametrize(("name", "owner", "words"), [
    ("message_securityhub_attachments", "customer", "EC2.8"),
    ("message_securityhub_blocks", "customer", "S3.8"),
    ("message_guardduty_blocks", "customer", "Crypto"),
])
def test_findings_are_answered_by_the_engine(engine: Engine, name: str, owner: str, words: str) -> None:
    a = engine.ask(message_text(fixture(name)))
    assert a.answered and a.owner == owner and words in a.summary


@pytest.mark.parametrize("message", [None, "text", [], {}, {"text": 5}, {"blocks": "x"}, {"blocks": [None, 7, {}]},
                                     {"attachments": [{"fields": [None, {"title": 3}]}, "x"]},
                                     {"blocks": [{"type": "rich_text", "elements": [{"type": "rich_text_list",
                                                                                    "elements": "nope"}]}]},
                                     {"blocks": [{"type": "section", "text": None, "fields": [7]}]}])
def test_anything_malformed_reads_as_no_text(message: object) -> None:
    assert message_text(message) == ""


def test_a_message_with_thousands_of_blocks_is_read_bounded() -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"line {i} " + "x" * 100}} for i in range(4000)]
    text = message_text({"blocks": blocks})
    assert 0 < len(text) <= MAX_CHARS and "line 0 " in text and "line 3999" not in text


def test_deeply_nested_rich_text_stops() -> None:
    node: dict = {"type": "text", "text": "deep"}
    for _ in range(50):
        node = {"type": "rich_text_quote", "elements": [node]}
    assert message_text({"blocks": [{"type": "rich_text", "elements": [node]}]}) == ""
