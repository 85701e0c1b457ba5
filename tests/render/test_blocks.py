"""Block Kit builders: valid per slack_sdk.models, within limits, and never echo a ping."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.engine import EXAMPLES, Engine
from bot.render import blocks as bk


def valid(blocks: list[dict], limit: int = bk.MAX_MESSAGE_BLOCKS) -> None:
    assert 0 < len(blocks) <= limit
    for b in Block.parse_all(blocks):
        b.to_dict()


def test_escape_neutralises_control_sequences() -> None:
    assert bk.escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert bk.escape("&lt;!here&gt;") == "&lt;!here&gt;"  # already-escaped text is not double-escaped


def test_shorten_adds_an_ellipsis_only_when_needed() -> None:
    assert bk.shorten("abc", 3) == "abc"
    assert bk.shorten("abcdef", 4) == "abc…" and len(bk.shorten("x" * 5000, 3000)) == 3000


@pytest.mark.parametrize("q", ["who patches rds", "our s3 bucket was public", "who secures eks",
                               "who is responsible for guest os patching", "compare ec2 and rds patching",
                               "what is for lunch"])
def test_answer_blocks_are_valid(engine: Engine, q: str) -> None:
    a = engine.ask(q)
    blocks = bk.answer_blocks(a, shareable=True)
    valid(blocks)
    assert bk.fallback_text(a)


def test_owner_comes_first(engine: Engine) -> None:
    first = bk.answer_blocks(engine.ask("who patches rds"))[0]["text"]["text"]
    assert first.startswith("*Owner:*") and "AWS" in first


def test_unsure_answer_offers_did_you_mean_buttons(engine: Engine) -> None:
    a = engine.ask("rds reserved instance pricing tiers")
    assert not a.answered
    [actions] = [b for b in bk.answer_blocks(a) if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [f"suggest_{i}" for i in range(len(a.suggestions))]
    assert [e["value"] for e in actions["elements"]] == list(a.suggestions)


def test_long_content_is_shortened_not_rejected(engine: Engine) -> None:
    from dataclasses import replace

    a = replace(engine.ask("who patches rds"), aws_does="word " * 2000, summary="s" * 5000,
                question="q" * 5000)
    blocks = bk.answer_blocks(a, shareable=True)
    valid(blocks)
    assert all(len(b["text"]["text"]) <= bk.SECTION_CHARS for b in blocks if b["type"] == "section")
    assert all(len(e["value"]) <= bk.VALUE_CHARS for b in blocks if b["type"] == "actions"
               for e in b["elements"])


def test_user_text_is_escaped_in_not_answered_blocks(engine: Engine) -> None:
    a = engine.ask("qwertyuiop <script> & stuff")
    dumped = json.dumps(bk.answer_blocks(a))
    assert "<script>" not in dumped


def test_help_services_and_service_card_are_valid(engine: Engine) -> None:
    valid(bk.help_blocks(EXAMPLES))
    valid(bk.services_blocks(engine.kb))
    valid(bk.service_card_blocks(engine.service_card("rds")))
    valid(bk.usage_blocks())


def test_home_view_is_valid_and_within_100_blocks(engine: Engine) -> None:
    view = bk.home_view(engine.kb, EXAMPLES)
    assert view["type"] == "home" and len(view["blocks"]) <= bk.MAX_HOME_BLOCKS
    View(**view).to_dict()
    text = json.dumps(view)
    for cat in ("Infrastructure", "Container", "Abstracted"):
        assert cat in text
    assert all(d.title in text for d in engine.kb.duties.values())


def test_an_outdated_answer_says_so_next_to_the_owner(engine: Engine) -> None:
    from dataclasses import replace

    blocks = bk.answer_blocks(replace(engine.ask("who patches rds"), outdated=True))
    valid(blocks)
    assert blocks[1]["type"] == "context" and "May be outdated" in blocks[1]["elements"][0]["text"]
    assert "May be outdated" not in json.dumps(bk.answer_blocks(engine.ask("who patches rds")))


def test_a_contested_answer_shows_the_other_reading(engine: Engine) -> None:
    a = engine.ask("We build sensors on AWS IoT Core — who pushes firmware security updates out to the devices?")
    assert a.alternative is not None
    blocks = bk.answer_blocks(a)
    valid(blocks)
    [other] = [b for b in blocks if b["type"] == "section" and b["text"]["text"].startswith("*Or maybe:*")]
    assert bk.OWNER_BADGE[a.alternative.owner] in other["text"]["text"]
