"""Buttons: Share in channel, did-you-mean, Home examples, the quiz, and helpful / not helpful feedback."""

from __future__ import annotations

import json
import logging
import re

from slack_bolt import Ack, App

from bot.render import blocks as bk
from bot.slack.listeners.replies import action_job
from bot.slack.work import Work


def register(app: App, work: Work) -> None:
    @app.action(bk.SHARE)
    def share(ack: Ack, body: dict) -> None:
        ack()
        work.start(action_job(body, "share"))

    @app.action(re.compile(rf"^{bk.SUGGEST}_\d+$"))
    def suggestion(ack: Ack, body: dict) -> None:
        ack()
        work.start(action_job(body, "suggest"))

    @app.action(re.compile(rf"^{bk.ASK_EXAMPLE}_\d+$"))
    def example(ack: Ack, body: dict) -> None:
        ack()  # from the Home tab: no response_url, so the answer goes to the user's DM with the app
        work.start(action_job(body, "example"))

    @app.action(bk.QUIZ_START)
    def quiz_start(ack: Ack, body: dict) -> None:
        ack()  # from the Home tab the quiz goes to the user's DM; from a finished quiz it replaces it
        work.start(action_job(body, "quiz"))

    @app.action(re.compile(rf"^{bk.QUIZ_ANSWER}_(aws|customer|shared)$"))
    def quiz_answer(ack: Ack, body: dict) -> None:
        ack()
        work.start(action_job(body, "quiz_answer"))

    @app.action(re.compile(rf"^({bk.HELPFUL}|{bk.UNHELPFUL})$"))
    def feedback(ack: Ack, action: dict, body: dict, logger: logging.Logger) -> None:
        ack()
        logger.info("feedback", extra={"feedback": "helpful" if action["action_id"] == bk.HELPFUL else "not_helpful",
                                       "user": body["user"]["id"], "match": _match(action.get("value"))})
        if body.get("response_url"):
            work.start(action_job(body, "thanks"))


def _match(value: object) -> object:
    try:
        return json.loads(value) if isinstance(value, str) else {}
    except ValueError:
        return {}
