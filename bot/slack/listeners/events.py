"""Mentions (answered in the thread), direct messages, and the App Home tab."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot.engine import EXAMPLES, Engine
from bot.render import blocks as bk
from bot.slack.listeners.replies import answer_payload, log_answer, send


def register(app: App, engine: Engine) -> None:
    home = bk.home_view(engine.kb, EXAMPLES)  # the same for everyone; built once

    @app.event("app_mention")
    def mention(event: dict, client: WebClient, logger: logging.Logger) -> None:
        if event.get("bot_id"):
            return
        thread = event.get("thread_ts") or event["ts"]  # never a new top-level message
        answer = log_answer(logger, "mention", engine.ask(event.get("text") or ""))
        send(logger, client.chat_postMessage, "chat.postMessage", channel=event["channel"], thread_ts=thread,
             **answer_payload(answer))

    @app.event("message")
    def direct_message(event: dict, client: WebClient, logger: logging.Logger) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        answer = log_answer(logger, "dm", engine.ask(event.get("text") or ""))
        send(logger, client.chat_postMessage, "chat.postMessage", channel=event["channel"],
             thread_ts=event.get("thread_ts"), **answer_payload(answer))

    @app.event("app_home_opened")
    def home_opened(event: dict, client: WebClient, logger: logging.Logger) -> None:
        if event.get("tab") != "home":
            return
        send(logger, client.views_publish, "views.publish", user_id=event["user"], view=home)
