"""`/srm`: acknowledge at once; the answer goes privately to the command's response_url."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.slack.listeners.replies import command_job
from bot.slack.work import Work


def register(app: App, work: Work) -> None:
    @app.command("/srm")
    def srm(ack: Ack, body: dict) -> None:
        ack()
        work.start(command_job(body))
