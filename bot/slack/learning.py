"""The learning loop on the Slack side: record each answer and each feedback click, put the answer's id on
its buttons, offer a human (the escalation channel) after "not answered" and 👎, and show admins the week's
gaps on the Home tab. Everything here runs on the answer pool, after the ack; the store never raises.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient

from bot import metrics
from bot.engine.answer import SURE, Answer
from bot.render import gaps as render_gaps
from bot.render import learning as lr
from bot.slack.delivery import RESPONSE_URL, Send
from bot.slack.tokens import OneWorkspace, Tokens
from bot.slack.work import Job
from bot.store import AnswerRecord, Correction, FeedbackAbout, Privacy, Store
from bot.store import gaps as store_gaps
from bot.store.records import record_id

log = logging.getLogger("srm.slack")

# a share re-shows an answer already recorded; quiz rounds are not answers
RECORDED = {"command", "mention", "dm", "shortcut", "suggest", "example"}
WEEK = 7 * 86400
_NAMED = re.compile(r"“([^”]{1,200})”|called (\S{1,60}?)[,.]")


def detail_of(answer: Answer) -> str | None:
    """The unknown service or control a not-answered reply names (its summary quotes it)."""
    if answer.reason not in ("unknown_service", "unknown_control", "retired_control"):
        return None
    m = _NAMED.search(answer.summary)
    return (m.group(1) or m.group(2)) if m else None


def answer_record(job: Job, answer: Answer) -> AnswerRecord:
    return AnswerRecord(
        surface=job.kind, answered=answer.answered, question=answer.question, team=job.team,
        channel=job.channel, user=job.user, owner=answer.owner if answer.answered else None,
        service=answer.service.id if answer.service else None, duty=answer.duty.id if answer.duty else None,
        scenario=answer.scenario.id if answer.scenario else None, confidence=answer.confidence,
        reason=answer.reason, detail=detail_of(answer), id=record_id(job.key))


@dataclass
class Loop:
    store: Store | None = None
    privacy: Privacy = field(default_factory=Privacy)
    escalation_channel: str | None = None
    admins: frozenset[str] = frozenset()
    api_base_url: str = "https://slack.com/api/"
    call_timeout: float = 3.0
    tokens: Tokens = field(default_factory=lambda: OneWorkspace(""))  # the asking workspace's bot token

    # ---- answers ---------------------------------------------------------------------------------------

    def decorate(self, job: Job, answer: Answer, payload: dict[str, Any]) -> dict[str, Any]:
        """Record the answer; its id goes on its 👍/👎 buttons; a miss gets the way to a human."""
        answer_id = record_id(job.key)
        if self.store is not None and job.kind in RECORDED:
            self.store.record_answer(answer_record(job, answer))
        blocks = lr.with_answer_id(payload["blocks"], answer_id)
        if self.escalation_channel and not answer.answered and answer.reason != "empty":
            blocks = [*blocks, lr.escalation_actions(answer_id, answer.question)]
        return {**payload, "blocks": blocks}

    def question_for_log(self, question: str) -> str | None:
        return question[:300] if self.privacy.store_questions else None

    # ---- feedback --------------------------------------------------------------------------------------

    def feedback(self, job: Job) -> list[Send]:
        value = lr.read_value(job.text)
        helpful = bool(job.data.get("helpful"))
        metrics.FEEDBACK.labels("helpful" if helpful else "not_helpful").inc()
        log.info("feedback", extra={"feedback": "helpful" if helpful else "not_helpful", "answer_id": value.get("a"),
                                    "service": value.get("service"), "duty": value.get("duty"),
                                    "owner": value.get("owner"), "question_id": job.key})
        if self.store is not None:
            about = FeedbackAbout(question=_s(value.get("q")), service=_s(value.get("service")),
                                  duty=_s(value.get("duty")) or _s(value.get("scenario")),
                                  owner=_s(value.get("owner")), team=job.team, user=job.user)
            self.store.record_feedback(_s(value.get("a")), helpful, key=job.key, about=about)
        if not job.response_url:
            return []
        context = {k: v for k in ("duty", "service", "scenario") if (v := _s(value.get(k)))}
        escalation = (lr.escalation_actions(_s(value.get("a")), _s(value.get("q")) or "", context)
                      if self.escalation_channel else None)
        return [Send(RESPONSE_URL, {"response_type": "ephemeral", "replace_original": False,
                                    **lr.feedback_reply(helpful, escalation)}, url=job.response_url)]

    # ---- reach a human ---------------------------------------------------------------------------------

    def escalate(self, job: Job, answer: Answer) -> list[Send]:
        """The asker pressed "Ask the security team" (their consent to be named there)."""
        channel = self.escalation_channel
        if not channel:
            return []
        permalink = None if job.ephemeral else self.permalink(job, _s(job.data.get("message_ts")))
        summary = answer.summary if answer.answered else f"{answer.summary} (not answered)"
        post = lr.escalation_post(answer.question, job.user, summary, permalink, answer.answered)
        sends = [Send("chat.postMessage", {"channel": channel, **post}, allow_user=job.user)]
        told = lr.escalation_sent(channel)
        if job.response_url:
            sends.append(Send(RESPONSE_URL, {"response_type": "ephemeral", "replace_original": False, **told},
                              url=job.response_url))
        elif job.user:
            sends.append(Send("chat.postMessage", {"channel": job.user, **told}))
        return sends

    def permalink(self, job: Job, message_ts: str | None) -> str | None:
        channel = job.channel
        if not channel or not message_ts:
            return None
        try:
            web = WebClient(token=self.tokens.for_job(job), base_url=self.api_base_url, timeout=self.call_timeout)
            link = web.chat_getPermalink(channel=channel, message_ts=message_ts).get("permalink")
        except Exception as exc:  # no link is better than no escalation
            log.warning("permalink unavailable", extra={"error": repr(exc)[:200]})
            return None
        return link if isinstance(link, str) and link.startswith("https://") else None

    def correction_form(self, job: Job) -> list[Send]:
        value = lr.read_value(job.text)
        trigger = _s(job.data.get("trigger_id"))
        if not trigger:
            return []
        view = lr.correction_modal(_s(value.get("a")), _s(value.get("q")) or "", job.channel)
        return [Send("views.open", {"trigger_id": trigger, "view": view})]

    def correction(self, job: Job) -> list[Send]:
        d = job.data
        fix = Correction(what_is_wrong=_s(d.get("wrong")) or "", answer_id=_s(d.get("a")),
                         question=_s(d.get("q")), right_owner=_s(d.get("owner")), source_url=_s(d.get("source")),
                         team=job.team, user=job.user, id=record_id(job.key))
        if self.store is not None:
            self.store.record_correction(fix)
        if not self.escalation_channel:
            return []
        post = lr.correction_post(fix.question, fix.what_is_wrong, fix.right_owner, fix.source_url)
        return [Send("chat.postMessage", {"channel": self.escalation_channel, **post})]

    # ---- admins' Home tab ------------------------------------------------------------------------------

    def home(self, job: Job, home: dict[str, Any]) -> dict[str, Any]:
        if self.store is None or job.user not in self.admins:
            return home
        report = self.store.health.run("gaps", lambda: store_gaps.gaps(self.store, WEEK, below=SURE), None)
        if report is None:
            return home
        return render_gaps.with_admin_blocks(home, render_gaps.home_blocks(report))


def _s(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
