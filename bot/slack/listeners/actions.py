"""Buttons: Share in channel, did-you-mean, Home examples, and helpful / not helpful feedback."""

from __future__ import annotations

import json
import logging
import re

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.engine import Engine
from bot.render import blocks as bk
from bot.slack.listeners.replies import answer_payload, send


def register(app: App, engine: Engine) -> None:
    @app.action(bk.SHARE)
    def share(ack: Ack, action: dict, body: dict, respond: Respond, logger: logging.Logger) -> None:
        ack()
        answer = engine.ask(action.get("value", ""))
        send(logger, respond, "response_url", response_type="in_channel", replace_original=False,
             **answer_payload(answer, shared_by=body["user"]["id"]))
        send(logger, respond, "response_url", delete_original=True)

    @app.action(re.compile(rf"^{bk.SUGGEST}_\d+$"))
    def suggestion(ack: Ack, action: dict, body: dict, respond: Respond, client: WebClient,
                   logger: logging.Logger) -> None:
        ack()
        answer = engine.ask(action.get("value", ""))
        if body.get("response_url"):
            ephemeral = bool(body.get("container", {}).get("is_ephemeral"))
            send(logger, respond, "response_url", replace_original=True,
                 **answer_payload(answer, shareable=ephemeral))
        else:
            send(logger, client.chat_postMessage, "chat.postMessage", channel=body["user"]["id"],
                 **answer_payload(answer))

    @app.action(re.compile(rf"^{bk.ASK_EXAMPLE}_\d+$"))
    def example(ack: Ack, action: dict, body: dict, client: WebClient, logger: logging.Logger) -> None:
        ack()  # from the Home tab: no response_url, so the answer goes to the user's DM with the app
        send(logger, client.chat_postMessage, "chat.postMessage", channel=body["user"]["id"],
             **answer_payload(engine.ask(action.get("value", ""))))

    @app.action(re.compile(rf"^({bk.HELPFUL}|{bk.UNHELPFUL})$"))
    def feedback(ack: Ack, action: dict, body: dict, respond: Respond, logger: logging.Logger) -> None:
        ack()
        try:
            match = json.loads(action.get("value") or "{}")
        except ValueError:
            match = {}
        logger.info("feedback", extra={"feedback": "helpful" if action["action_id"] == bk.HELPFUL
                                       else "not_helpful", "user": body.get("user", {}).get("id"),
                                       "match": match})
        if body.get("response_url"):
            send(logger, respond, "response_url", response_type="ephemeral", replace_original=False,
                 text="Thanks — your feedback was recorded.")
