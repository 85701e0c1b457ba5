""""Who owns this?" on any message (a message shortcut): answered privately at the payload's response_url."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.slack.listeners.replies import shortcut_job
from bot.slack.work import Work

WHO_OWNS_THIS = "who_owns_this"  # the callback_id in manifest.yaml


def register(app: App, work: Work) -> None:
    @app.message_shortcut(WHO_OWNS_THIS)
    def who_owns_this(ack: Ack, body: dict) -> None:
        ack()
        work.start(shortcut_job(body))
