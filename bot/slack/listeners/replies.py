"""Payload → Job (in the listener, fast) and Job → the messages that answer it (on the answer pool).

Pure builders live in bot.render.blocks; this module only picks which ones a surface needs. Sending, with
retries and the no-ping guard, is bot.slack.delivery's job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import random
from collections.abc import Callable
from typing import Any

from slack_bolt.request.internals import extract_enterprise_id, extract_is_enterprise_install, extract_team_id

from bot import metrics, quiz
from bot.engine import EXAMPLES, Context, Engine
from bot.engine.answer import Answer
from bot.render import blocks as bk
from bot.render import learning as lr
from bot.slack.delivery import RESPONSE_URL, Send
from bot.slack.learning import Loop
from bot.slack.message_text import message_text
from bot.slack.state import Surfaces
from bot.slack.work import Job, stable_key

Payload = dict[str, Any]
log = logging.getLogger("srm.slack")


def log_answer(surface: str, answer: Answer, question_id: str | None = None, *, with_question: bool = True) -> Answer:
    """One structured line per answer: what was asked and what it matched (the question itself only when
    SRM_STORE_QUESTIONS allows)."""
    metrics.answered(surface, answer.answered, answer.owner)
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


def _team(body: dict[str, Any]) -> str | None:
    """The workspace the app is installed in, as Bolt reads it (authorizations first: in a shared channel the
    event's own team_id may be the other organisation's)."""
    team = extract_team_id(body)
    return team if isinstance(team, str) and team else None


def _workspace(body: dict[str, Any]) -> dict[str, Any]:
    """Who asked, as the Job keeps it: the team (thread context, quiz progress), and for OAuth mode the
    Enterprise Grid org and whether the app is installed org-wide (which bot token answers)."""
    return {"team": _team(body), "enterprise": extract_enterprise_id(body),
            "org_install": bool(extract_is_enterprise_install(body))}


def command_job(body: dict[str, Any]) -> Job:
    return Job(stable_key("cmd", body, body.get("trigger_id")), "command", _str(body.get("text")),
               response_url=body.get("response_url"), user=body.get("user_id"), channel=body.get("channel_id"),
               **_workspace(body))


def event_job(body: dict[str, Any], kind: str) -> Job:
    event = body["event"]
    thread = (event.get("thread_ts") or event.get("ts")) if kind == "mention" else event.get("thread_ts")
    return Job(stable_key("ev", body, body.get("event_id")), kind, _str(event.get("text")),
               channel=event.get("channel"), thread_ts=thread, user=event.get("user"), **_workspace(body))


def _channel(body: dict[str, Any]) -> str | None:
    channel = body.get("channel")
    return (_str(channel.get("id")) or None) if isinstance(channel, dict) else None


def action_job(body: dict[str, Any], kind: str, **data: Any) -> Job:
    action = body["actions"][0]
    container = body.get("container") or {}
    value = _str(action.get("value"))
    if kind == "quiz_answer":  # the choice is in the action_id, the run in the value
        value = json.dumps({"choice": action["action_id"].rsplit("_", 1)[-1], "run": value})
    return Job(stable_key("act", body, body.get("trigger_id")), kind, value,
               user=body["user"]["id"], response_url=body.get("response_url"),
               ephemeral=bool(container.get("is_ephemeral")),
               channel=_channel(body) or _str(container.get("channel_id")) or None,
               **_workspace(body), data={"message_ts": container.get("message_ts"), **data})


def shortcut_job(body: dict[str, Any]) -> Job:
    """"Who owns this?" on a message: its text, blocks and attachments, answered privately at response_url."""
    return Job(stable_key("sc", body, body.get("trigger_id")), "shortcut", message_text(body.get("message")),
               user=body["user"]["id"], response_url=body.get("response_url"), ephemeral=True,
               channel=_channel(body), **_workspace(body))


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
               **_workspace(body), channel=_str(meta.get("c")) or None,
               data={"a": meta.get("a"), "q": meta.get("q"), "wrong": field(lr.WRONG),
                     "owner": field(lr.OWNER, "option"), "source": field(lr.SOURCE)})


# ---- Job → messages (answer pool) ----------------------------------------------------------------------

def plan(engine: Engine, home: dict[str, Any], job: Job, surfaces: Surfaces | None = None,
         loop: Loop | None = None) -> list[Send]:
    """The messages that answer one job, in order. `surfaces` keeps thread context and quiz progress; `loop`
    records every answer and click and offers the way to a human (bot.slack.learning)."""
    state = surfaces or Surfaces(None)
    loop = loop or Loop()

    def reply(answer: Answer, **how: Any) -> Payload:
        log_answer(job.kind, answer, job.key, with_question=loop.privacy.store_questions)
        return loop.decorate(job, answer, answer_payload(answer, **how))

    if job.kind == "command":
        if job.text.strip().lower() == "quiz":
            return [Send(RESPONSE_URL, {"response_type": "ephemeral", **start_quiz(engine, job, state)},
                         url=job.response_url)]
        payload = command_payload(engine, job.text, job.key, lambda a: reply(a, shareable=True))
        return [Send(RESPONSE_URL, {"response_type": "ephemeral", **payload}, url=job.response_url)]
    if job.kind == "home":  # everyone's quiz progress; admins also see the week's gaps on top
        view = loop.home(job, bk.home_with_quiz(home, state.quiz(job.team, job.user)))
        return [Send("views.publish", {"user_id": job.user, "view": view})]
    if job.kind == "prompts":
        return [Send("assistant.threads.setSuggestedPrompts", bk.suggested_prompts(job.channel or ""))]
    if job.kind == "thanks":
        return loop.feedback(job)
    if job.kind == "correct":
        return loop.correction_form(job)
    if job.kind == "correction":
        return loop.correction(job)
    if job.kind == "escalate":  # asked again in the context the answer had, so a follow-up reads as answered
        value = lr.read_value(job.text)
        return loop.escalate(job, engine.ask(_str(value.get("q")), Context.from_dict(value.get("x"))))
    if job.kind in ("quiz", "quiz_answer"):
        payload = start_quiz(engine, job, state) if job.kind == "quiz" else answer_quiz(engine, job, state)
        if job.response_url:  # a button on a quiz message: the message moves on to the next question
            return [Send(RESPONSE_URL, {"replace_original": True, **payload}, url=job.response_url)]
        return [Send("chat.postMessage", {"channel": job.user, **payload})]  # from the Home tab: in the DM
    if job.kind == "shortcut":
        if not job.text.strip():
            return [Send(RESPONSE_URL, {"response_type": "ephemeral", "text": "I found no text in that message.",
                                        "blocks": bk.nothing_to_read_blocks()}, url=job.response_url)]
        return [Send(RESPONSE_URL, {"response_type": "ephemeral", **reply(engine.ask(job.text), shareable=True)},
                     url=job.response_url)]
    if job.kind in ("mention", "dm"):
        if job.kind == "dm" and job.text.strip().lower() == "quiz":  # the Messages tab's "Test yourself"
            return [Send("chat.postMessage", {"channel": job.channel, **start_quiz(engine, job, state)})]
        where = {"channel": job.channel, **({"thread_ts": job.thread_ts} if job.thread_ts else {})}
        return [Send("chat.postMessage", {**where, **reply(ask_in_thread(engine, job, state))})]
    answer = engine.ask(job.text)
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


# ---- follow-ups: the context of the last answer in a thread or DM ----------------------------------------

def ask_in_thread(engine: Engine, job: Job, state: Surfaces) -> Answer:
    """Answer with what the thread was about ("and on fargate?"), then remember what this answer is about.
    A DM's top level is one conversation (thread ""); a thread in a channel or DM is its own."""
    before = Context.from_dict(state.context(job.team, job.channel, job.thread_ts))
    answer = engine.ask(job.text, before)
    after = Context.of(answer)
    if after is not None:
        state.remember(job.team, job.channel, job.thread_ts, after.to_dict())
    return answer


# ---- the onboarding quiz -----------------------------------------------------------------------------------

def start_quiz(engine: Engine, job: Job, state: Surfaces) -> dict[str, Any]:
    """A new run (the same one for every retry of this job: drawn from its key) and its first question."""
    run = quiz.Run(hashlib.sha256(job.key.encode()).hexdigest()[:12], quiz.draw(engine.kb, random.Random(job.key)))
    state.save_quiz(job.team, job.user, quiz.record(state.quiz(job.team, job.user), run, _today(engine)))
    return _quiz_step(engine, run, [])


def answer_quiz(engine: Engine, job: Job, state: Surfaces) -> dict[str, Any]:
    try:
        data = json.loads(job.text)
        choice, run = data["choice"], quiz.Run.from_dict(json.loads(data["run"]))
    except (ValueError, KeyError, TypeError):
        run, choice = None, ""
    if run is None or run.finished or choice not in quiz.OWNERS:
        return {"text": "That quiz button is out of date.", "blocks": [bk.section(
            "That quiz button is out of date. Start a new round with `/srm quiz` or from my Home tab.")]}
    after, q, right = run.answer(engine.kb, choice)
    state.save_quiz(job.team, job.user, quiz.record(state.quiz(job.team, job.user), after, _today(engine)))
    feedback = bk.quiz_feedback_blocks(after.answered, q.prompt, q.owner, q.why, q.source, choice, right) if q else []
    return _quiz_step(engine, after, feedback)


def _quiz_step(engine: Engine, run: quiz.Run, feedback: list[dict[str, Any]]) -> dict[str, Any]:
    if run.finished:
        misses = [(q.prompt, q.owner, q.source) for i in run.missed
                  if (q := quiz.question(engine.kb, run.questions[i])) is not None]
        blocks = bk.quiz_message(feedback, bk.quiz_done_blocks(run.score, len(run.questions), misses))
        return {"text": f"Quiz done: {run.score}/{len(run.questions)}", "blocks": blocks}
    q = quiz.question(engine.kb, run.questions[run.answered])
    if q is None:  # dropped from the knowledge base since the run began: skip it
        return _quiz_step(engine, run.answer(engine.kb, "")[0], feedback)
    state = json.dumps(run.to_dict(), separators=(",", ":"))
    question = bk.quiz_question_blocks(run.answered + 1, len(run.questions), q.prompt, state, run.score)
    return {"text": f"Quiz question {run.answered + 1} of {len(run.questions)}: {q.prompt}",
            "blocks": bk.quiz_message(feedback, question)}


def _today(engine: Engine) -> str:
    return engine.today.isoformat() if isinstance(engine.today, dt.date) else ""
