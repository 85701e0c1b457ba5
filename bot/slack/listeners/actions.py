"""Buttons: Share in channel, did-you-mean, Home examples, the quiz, helpful / not helpful feedback, and the way
to a human (Ask the security team, Suggest a correction and its modal)."""

from __future__ import annotations

import re

from slack_bolt import Ack, App

from bot.render import blocks as bk
from bot.render import learning as lr
from bot.slack.listeners.replies import action_job, correction_job
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
    def feedback(ack: Ack, action: dict, body: dict) -> None:
        ack()  # recorded, and thanked (with the way to a human after 👎), on the answer pool
        work.start(action_job(body, "thanks", helpful=action["action_id"] == bk.HELPFUL))

    @app.action(lr.ASK_TEAM)
    def ask_team(ack: Ack, body: dict) -> None:
        ack()
        work.start(action_job(body, "escalate"))

    @app.action(lr.CORRECT)
    def correct(ack: Ack, body: dict) -> None:
        ack()  # the modal opens from the answer pool, well inside the trigger_id's 3 seconds
        work.start(action_job(body, "correct", trigger_id=body.get("trigger_id")))

    @app.view(lr.CORRECTION_VIEW)
    def correction(ack: Ack, body: dict) -> None:
        job = correction_job(body)
        problem = lr.correction_problem(job.data.get("wrong"), job.data.get("source"))
        if problem:
            ack(response_action="errors", errors=problem)
            return
        ack(response_action="update", view=lr.correction_thanks())
        work.start(job)
