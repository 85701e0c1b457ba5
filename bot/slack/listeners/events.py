"""Mentions (answered in the thread), direct messages, and the App Home tab. Events are acked by Bolt."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.replies import event_job
from bot.slack.work import Work


def register(app: App, work: Work) -> None:
    @app.event("app_mention")
    def mention(body: dict, event: dict) -> None:
        if not event.get("bot_id"):
            work.start(event_job(body, "mention"))  # answered in the thread: never a new top-level message

    @app.event("message")
    def direct_message(body: dict, event: dict) -> None:
        if event.get("channel_type") == "im" and not event.get("bot_id") and not event.get("subtype"):
            work.start(event_job(body, "dm"))

    @app.event("app_home_opened")
    def home_opened(body: dict, event: dict) -> None:
        if event.get("tab") == "home":
            work.start(event_job(body, "home"))
