"""Payload → Job (in the listener, fast) and Job → the messages that answer it (on the answer pool).

Pure builders live in bot.render.blocks; this module only picks which ones a surface needs. Sending, with
retries and the no-ping guard, is bot.slack.delivery's job.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.engine import EXAMPLES, Engine
from bot.engine.answer import Answer
from bot.render import blocks as bk
from bot.slack.delivery import RESPONSE_URL, Send
from bot.slack.work import Job, stable_key

Payload = dict[str, Any]
log = logging.getLogger("srm.slack")


def log_answer(surface: str, answer: Answer, question_id: str | None = None) -> Answer:
    """One structured line per answer: what was asked and what it matched (for tuning and audits)."""
    log.info("answer", extra={
        "surface": surface, "question_id": question_id, "question": answer.question[:300],
        "answered": answer.answered, "owner": answer.owner,
        "service": answer.service.id if answer.service else None,
        "duty": answer.duty.id if answer.duty else None,
        "scenario": answer.scenario.id if answer.scenario else None, "confidence": answer.confidence,
    })
    return answer


def answer_payload(answer: Answer, *, shareable: bool = False, shared_by: str | None = None) -> Payload:
    return {"text": bk.fallback_text(answer),
            "blocks": bk.answer_blocks(answer, shareable=shareable, shared_by=shared_by)}


def command_payload(engine: Engine, text: str, question_id: str | None = None) -> Payload:
    """`/srm ...`: help, services, service <name>, empty → usage, anything else is a question."""
    words = text.strip().split(maxsplit=1)
    verb = words[0].lower() if words else ""
    if not verb:
        return {"text": "Usage: /srm who patches rds", "blocks": bk.usage_blocks()}
    if verb == "help" and len(words) == 1:
        return {"text": "How to use srm", "blocks": bk.help_blocks(EXAMPLES)}
    if verb == "services" and len(words) == 1:
        return {"text": f"{len(engine.kb.services)} services", "blocks": bk.services_blocks(engine.kb)}
    if verb == "service":
        name = words[1] if len(words) > 1 else ""
        card = engine.service_card(name) if name else None
        if card is None:
            missing = bk.escape(f"I don't know a service called “{bk.shorten(name, 80)}”." if name
                                else "Which service?")
            return {"text": missing, "blocks": [bk.section(missing + " Try `/srm services`.")]}
        return {"text": f"{card.service.name}: every duty and its owner", "blocks": bk.service_card_blocks(card)}
    answer = log_answer("command", engine.ask(text), question_id)
    return answer_payload(answer, shareable=True)


# ---- payload → Job (listeners) -------------------------------------------------------------------------

def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def command_job(body: dict[str, Any]) -> Job:
    return Job(stable_key("cmd", body, body.get("trigger_id")), "command", _str(body.get("text")),
               response_url=body.get("response_url"), user=body.get("user_id"))


def event_job(body: dict[str, Any], kind: str) -> Job:
    event = body["event"]
    thread = (event.get("thread_ts") or event.get("ts")) if kind == "mention" else event.get("thread_ts")
    return Job(stable_key("ev", body, body.get("event_id")), kind, _str(event.get("text")),
               channel=event.get("channel"), thread_ts=thread, user=event.get("user"))


def action_job(body: dict[str, Any], kind: str) -> Job:
    action = body["actions"][0]
    container = body.get("container") or {}
    return Job(stable_key("act", body, body.get("trigger_id")), kind, _str(action.get("value")),
               user=body["user"]["id"], response_url=body.get("response_url"),
               ephemeral=bool(container.get("is_ephemeral")))


# ---- Job → messages (answer pool) ----------------------------------------------------------------------

def plan(engine: Engine, home: dict[str, Any], job: Job) -> list[Send]:
    """The messages that answer one job, in order."""
    if job.kind == "command":
        return [Send(RESPONSE_URL, {"response_type": "ephemeral", **command_payload(engine, job.text, job.key)},
                     url=job.response_url)]
    if job.kind == "home":
        return [Send("views.publish", {"user_id": job.user, "view": home})]
    if job.kind == "thanks":
        return [Send(RESPONSE_URL, {"response_type": "ephemeral", "replace_original": False,
                                    "text": "Thanks — your feedback was recorded."}, url=job.response_url)]
    answer = log_answer(job.kind, engine.ask(job.text), job.key)
    if job.kind in ("mention", "dm"):
        where = {"channel": job.channel, **({"thread_ts": job.thread_ts} if job.thread_ts else {})}
        return [Send("chat.postMessage", {**where, **answer_payload(answer)})]
    if job.kind == "share":
        if not job.response_url:  # a share button outside a message: nowhere to share to
            return []
        return [Send(RESPONSE_URL, {"response_type": "in_channel", "replace_original": False,
                                    **answer_payload(answer, shared_by=job.user)},
                     url=job.response_url, allow_user=job.user),
                Send(RESPONSE_URL, {"delete_original": True}, url=job.response_url)]
    if job.kind == "suggest" and job.response_url:
        return [Send(RESPONSE_URL, {"replace_original": True, **answer_payload(answer, shareable=job.ephemeral)},
                     url=job.response_url)]
    # a did-you-mean or example click without a response_url (the Home tab): answer in the user's DM
    return [Send("chat.postMessage", {"channel": job.user, **answer_payload(answer)})]
