"""`/srm`: acknowledge at once, answer privately through the command's response_url."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, Respond

from bot.engine import Engine
from bot.slack.listeners.replies import command_payload, send


def register(app: App, engine: Engine) -> None:
    @app.command("/srm")
    def srm(ack: Ack, command: dict, respond: Respond, logger: logging.Logger) -> None:
        ack()
        payload = command_payload(engine, command.get("text") or "", logger)
        send(logger, respond, "response_url", response_type="ephemeral", **payload)
