"""The learning loop's Block Kit builders: pure, valid, and escaping what users wrote."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.engine import Engine
from bot.render import blocks as bk
from bot.render import learning as lr


def test_the_answer_id_goes_on_feedback_buttons_only(engine: Engine) -> None:
    blocks = lr.with_answer_id(bk.answer_blocks(engine.ask("who patches rds"), shareable=True), "abc123")
    values = {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert json.loads(values[bk.HELPFUL])["a"] == "abc123" and json.loads(values[bk.UNHELPFUL])["a"] == "abc123"
    assert json.loads(values[bk.HELPFUL])["q"] == "who patches rds"
    assert values[bk.SHARE] == "who patches rds"


def test_escalation_post_escapes_the_question_and_names_only_the_asker() -> None:
    post = lr.escalation_post("<!channel> who owns <@U0BOSS> & zorblax?\nsecond line", "U0ASKER",
                              "I don't know the service “zorblax”.", "https://x.slack.com/archives/C1/p1", False)
    Block.parse_all(post["blocks"])
    shown = json.dumps(post)
    assert "<!channel>" not in shown and "<@U0BOSS>" not in shown and "<@U0ASKER>" in shown
    assert "&amp; zorblax" in shown and "<https://x.slack.com/archives/C1/p1|original message>" in shown


def test_the_correction_modal_is_valid_and_checks_its_url() -> None:
    view = lr.correction_modal("a1", "who patches rds " * 200, "C1")
    View(**view).to_dict()
    assert len(view["private_metadata"]) <= 3000 and json.loads(view["private_metadata"])["a"] == "a1"
    assert lr.correction_problem("", None) == {lr.WRONG: "Say what is wrong, in a sentence or two."}
    assert lr.correction_problem("x", "ftp://nope") is not None
    assert lr.correction_problem("x", "https://docs.aws.amazon.com/rds/") is None
    View(**lr.correction_thanks()).to_dict()


def test_after_a_thumbs_down_the_way_to_a_human() -> None:
    actions = lr.escalation_actions("a1", "who patches rds")
    reply = lr.feedback_reply(False, actions)
    assert reply["blocks"][-1] == actions and lr.feedback_reply(True, actions) == {
        "text": "Thanks — your feedback was recorded."}
    assert lr.read_value("not json") == {} and lr.read_value("[1]") == {}


def test_the_escalation_value_carries_what_the_answer_was_about() -> None:
    assert json.loads(lr.escalation_value("a1", "who patches rds")) == {"a": "a1", "q": "who patches rds"}
    about = {"duty": "guest-os-patching", "service": "lambda"}
    value = lr.escalation_actions("a1", "what about lambda?", about)["elements"][0]["value"]
    assert json.loads(value) == {"a": "a1", "q": "what about lambda?", "x": about}
