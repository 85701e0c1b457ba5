"""Block Kit for the learning loop: answer ids on feedback buttons, "Ask the security team" and "Suggest a
correction", the correction modal, and the messages posted to the escalation channel. Pure functions.

User text is escaped with blocks.escape wherever it is shown in mrkdwn; bot.slack.delivery's ping filter
still runs on every message sent.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.render.blocks import HELPFUL, UNHELPFUL, Block, button, context, escape, section, shorten

ASK_TEAM = "ask_security_team"
CORRECT = "correct_answer"
CORRECTION_VIEW = "srm_correction"
QUESTION_CHARS = 1200  # of the question carried in a button value (2,000 characters in all)
OWNERS = (("aws", "AWS"), ("customer", "You (the customer)"), ("shared", "Shared: AWS and you"),
          ("unsure", "Not sure — it depends"))
WRONG, OWNER, SOURCE = "wrong", "owner", "source"  # block ids of the modal's inputs


def escalation_value(answer_id: str | None, question: str, context: dict[str, str] | None = None) -> str:
    """The answer, its question and (as "x") what it was about, so a follow-up ("what about lambda?") is
    asked again in the context it was answered in."""
    data: dict[str, Any] = {"a": answer_id, "q": question[:QUESTION_CHARS]}
    if context:
        data["x"] = context
    return json.dumps(data, ensure_ascii=False)


def read_value(value: object) -> dict[str, Any]:
    """A button value as a dict ({} for anything that is not a JSON object)."""
    try:
        data = json.loads(value) if isinstance(value, str) else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def with_answer_id(blocks: list[Block], answer_id: str) -> list[Block]:
    """Put the answer's id into its 👍/👎 buttons, so a click is recorded against that answer."""
    out = []
    for b in blocks:
        if b.get("type") == "actions":
            b = {**b, "elements": [_tagged(e, answer_id) for e in b["elements"]]}
        out.append(b)
    return out


def _tagged(element: dict[str, Any], answer_id: str) -> dict[str, Any]:
    if element.get("action_id") not in (HELPFUL, UNHELPFUL):
        return element
    return {**element, "value": json.dumps({**read_value(element.get("value")), "a": answer_id},
                                           ensure_ascii=False)[:2000]}


def escalation_actions(answer_id: str | None, question: str, context: dict[str, str] | None = None) -> Block:
    value = escalation_value(answer_id, question, context)
    return {"type": "actions", "block_id": "srm_escalation", "elements": [
        button("🙋 Ask the security team", ASK_TEAM, value),
        button("✏️ Suggest a correction", CORRECT, value)]}


def feedback_reply(helpful: bool, escalation: Block | None) -> dict[str, Any]:
    """The private reply to a 👍/👎 click; after 👎 the way to a human, if there is one."""
    if helpful or escalation is None:
        return {"text": "Thanks — your feedback was recorded."}
    text = "Thanks — noted. Want a person to look at it, or to tell us what the right answer is?"
    return {"text": text, "blocks": [section(text), escalation]}


def escalation_post(question: str, asker: str | None, summary: str, permalink: str | None,
                    answered: bool) -> dict[str, Any]:
    """What the escalation channel sees when someone presses "Ask the security team"."""
    who = f"<@{asker}>" if asker else "Someone"
    said = "srm answered" if answered else "srm could not answer"
    link = f"<{permalink}|original message>" if permalink else "asked privately (no link to the message)"
    blocks = [section(f"🙋 *{who} asked for help from the security team*"),
              section(f"*Question*\n>{escape(shorten(question, 2500)).replace(chr(10), chr(10) + '>')}"),
              section(f"*{said}*\n{escape(shorten(summary, 2500))}"),
              context(f"{link} · reply in the thread here")]
    return {"text": f"{who} asked the security team: {escape(shorten(question, 200))}", "blocks": blocks}


def escalation_sent(channel: str) -> dict[str, Any]:
    return {"text": f"Sent to <#{channel}> with your name, your question and srm's answer — the security "
                    "team will reply there."}


def correction_modal(answer_id: str | None, question: str, channel: str | None) -> dict[str, Any]:
    metadata = json.dumps({"a": answer_id, "q": question[:QUESTION_CHARS], "c": channel}, ensure_ascii=False)
    return {
        "type": "modal", "callback_id": CORRECTION_VIEW, "private_metadata": metadata[:3000],
        "title": {"type": "plain_text", "text": "Suggest a correction"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            context(f"About: {escape(shorten(question, 300))}" if question else "About srm's answer"),
            {"type": "input", "block_id": WRONG, "label": {"type": "plain_text", "text": "What is wrong?"},
             "element": {"type": "plain_text_input", "action_id": WRONG, "multiline": True, "max_length": 2000}},
            {"type": "input", "block_id": OWNER, "optional": True,
             "label": {"type": "plain_text", "text": "Who is really responsible?"},
             "element": {"type": "static_select", "action_id": OWNER, "options": [
                 {"text": {"type": "plain_text", "text": label}, "value": value} for value, label in OWNERS]}},
            {"type": "input", "block_id": SOURCE, "optional": True,
             "label": {"type": "plain_text", "text": "Source (AWS documentation URL)"},
             "element": {"type": "url_text_input", "action_id": SOURCE}},
        ],
    }


def correction_problem(what_is_wrong: str | None, source_url: str | None) -> dict[str, str] | None:
    """Errors to show in the modal (Slack checks most of it in the client; this is for everything else)."""
    if not what_is_wrong or not what_is_wrong.strip():
        return {WRONG: "Say what is wrong, in a sentence or two."}
    if source_url and not re.fullmatch(r"https?://\S{3,2000}", source_url.strip()):
        return {SOURCE: "A web address starting with https://, or leave it empty."}
    return None


def correction_thanks() -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": "Thank you"},
            "close": {"type": "plain_text", "text": "Close"},
            "blocks": [section("Your correction was recorded and sent to the security team. The people who keep "
                               "srm's knowledge base will review it.")]}


def correction_post(question: str | None, what_is_wrong: str, right_owner: str | None,
                    source_url: str | None) -> dict[str, Any]:
    owner = dict(OWNERS).get(right_owner or "", "not given")
    lines = [f"*What is wrong*\n{escape(shorten(what_is_wrong, 2000))}", f"*Right owner:* {owner}"]
    if source_url:
        lines.append(f"*Source:* {escape(shorten(source_url, 500))}")
    blocks = [section("✏️ *A correction to srm was suggested*")]
    if question:
        blocks.append(section(f"*Question*\n>{escape(shorten(question, 1500)).replace(chr(10), chr(10) + '>')}"))
    blocks.append(section("\n".join(lines)))
    return {"text": f"A correction to srm was suggested: {escape(shorten(what_is_wrong, 200))}", "blocks": blocks}
