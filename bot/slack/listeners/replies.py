"""Payload → Job (in the listener, fast) and Job → the messages that answer it (on the answer pool).

Pure builders live in bot.render.blocks; this module only picks which ones a surface needs. Sending, with
retries and the no-ping guard, is bot.slack.delivery's job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.engine import EXAMPLES, Engine
from bot.engine.answer import Answer
from bot.render import blocks as bk
from bot.render import learning as lr
from bot.slack.delivery import RESPONSE_URL, Send
from bot.slack.learning import Loop
from bot.slack.work import Job, stable_key

Payload = dict[str, Any]
log = logging.getLogger("srm.slack")


def log_answer(surface: str, answer: Answer, question_id: str | None = None, *, with_question: bool = True) -> Answer:
    """One structured line per answer: what was asked and what it matched (the question itself only when
    SRM_STORE_QUESTIONS allows)."""
    log.info("answer", extra={
        "surface": surface, "question_id": question_id, "question": answer.question[:300] if with_question else None,
        "answered": answer.answered, "owner": answer.owner,
        "service": answer.service.id if answer.service else None,
        "duty": answer.duty.id if answer.duty else None,
        "scenario": answer.scenario.id if answer.scenario else None, "confidence": answer.confidence,
    })
    return answer


def answer_payload(answer: Answer, *, shareable: bool = False, shared_by: str | None = None) -> Payload:
    return {"text": bk.fallback_text(answer),
            "blocks": bk.answer_blocks(answer, shareable=shareable, shared_by=shared_by)}


def command_payload(engine: Engine, text: str, question_id: str | None = None,
                    reply: Callable[[Answer], Payload] | None = None) -> Payload:
    """`/srm ...`: help, services, service <name>, empty → usage, anything else is a question (`reply` turns
    its answer into the message; the learning loop records it there)."""
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
    answer = engine.ask(text)
    if reply is not None:
        return reply(answer)
    return answer_payload(log_answer("command", answer, question_id), shareable=True)


# ---- payload → Job (listeners) -------------------------------------------------------------------------

def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def command_job(body: dict[str, Any]) -> Job:
    return Job(stable_key("cmd", body, body.get("trigger_id")), "command", _str(body.get("text")),
               response_url=body.get("response_url"), user=body.get("user_id"), channel=body.get("channel_id"),
               team=body.get("team_id"))


def event_job(body: dict[str, Any], kind: str) -> Job:
    event = body["event"]
    thread = (event.get("thread_ts") or event.get("ts")) if kind == "mention" else event.get("thread_ts")
    return Job(stable_key("ev", body, body.get("event_id")), kind, _str(event.get("text")),
               channel=event.get("channel"), thread_ts=thread, user=event.get("user"), team=_team(body))


def _team(body: dict[str, Any]) -> str | None:
    team = body.get("team")
    return (team.get("id") if isinstance(team, dict) else team) or body.get("team_id")


def action_job(body: dict[str, Any], kind: str, **data: Any) -> Job:
    action = body["actions"][0]
    container = body.get("container") or {}
    channel = body.get("channel") if isinstance(body.get("channel"), dict) else {}
    return Job(stable_key("act", body, body.get("trigger_id")), kind, _str(action.get("value")),
               user=body["user"]["id"], response_url=body.get("response_url"),
               ephemeral=bool(container.get("is_ephemeral")),
               channel=_str(channel.get("id")) or _str(container.get("channel_id")) or None,
               team=_team(body), data={"message_ts": container.get("message_ts"), **data})


def correction_job(body: dict[str, Any]) -> Job:
    """A submitted "Suggest a correction" modal: its fields, and what the button said (private_metadata)."""
    view = body["view"]
    meta = lr.read_value(view.get("private_metadata"))
    values = view.get("state", {}).get("values", {})

    def field(block: str, key: str = "value") -> str | None:
        v = values.get(block, {}).get(block, {})
        option = v.get("selected_option")
        got = (option.get("value") if isinstance(option, dict) else None) if key == "option" else v.get(key)
        return got if isinstance(got, str) and got.strip() else None

    return Job(stable_key("view", body, view.get("id")), "correction", user=body["user"]["id"],
               team=_team(body), channel=_str(meta.get("c")) or None,
               data={"a": meta.get("a"), "q": meta.get("q"), "wrong": field(lr.WRONG),
                     "owner": field(lr.OWNER, "option"), "source": field(lr.SOURCE)})


# ---- Job → messages (answer pool) ----------------------------------------------------------------------

def plan(engine: Engine, home: dict[str, Any], job: Job, loop: Loop | None = None) -> list[Send]:
    """The messages that answer one job, in order."""
    loop = loop or Loop()

    def reply(answer: Answer, **how: Any) -> Payload:
        log_answer(job.kind, answer, job.key, with_question=loop.privacy.store_questions)
        return loop.decorate(job, answer, answer_payload(answer, **how))

    if job.kind == "command":
        payload = command_payload(engine, job.text, job.key, lambda a: reply(a, shareable=True))
        return [Send(RESPONSE_URL, {"response_type": "ephemeral", **payload}, url=job.response_url)]
    if job.kind == "home":
        return [Send("views.publish", {"user_id": job.user, "view": loop.home(job, home)})]
    if job.kind == "thanks":
        return loop.feedback(job)
    if job.kind == "correct":
        return loop.correction_form(job)
    if job.kind == "correction":
        return loop.correction(job)
    if job.kind == "escalate":
        return loop.escalate(job, engine.ask(lr.read_value(job.text).get("q") or ""))
    answer = engine.ask(job.text)
    if job.kind in ("mention", "dm"):
        where = {"channel": job.channel, **({"thread_ts": job.thread_ts} if job.thread_ts else {})}
        return [Send("chat.postMessage", {**where, **reply(answer)})]
    if job.kind == "share":
        if not job.response_url:  # a share button outside a message: nowhere to share to
            return []
        return [Send(RESPONSE_URL, {"response_type": "in_channel", "replace_original": False,
                                    **reply(answer, shared_by=job.user)},
                     url=job.response_url, allow_user=job.user),
                Send(RESPONSE_URL, {"delete_original": True}, url=job.response_url)]
    if job.kind == "suggest" and job.response_url:
        return [Send(RESPONSE_URL, {"replace_original": True, **reply(answer, shareable=job.ephemeral)},
                     url=job.response_url)]
    # a did-you-mean or example click without a response_url (the Home tab): answer in the user's DM
    return [Send("chat.postMessage", {"channel": job.user, **reply(answer)})]
