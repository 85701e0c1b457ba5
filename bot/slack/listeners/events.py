"""Mentions (answered in the thread), direct messages (the Messages tab), and App Home. Events are acked by Bolt."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.replies import event_job
from bot.slack.work import Work

DM_SUBTYPES = (None, "file_share")


def register(app: App, work: Work) -> None:
    @app.event("app_mention")
    def mention(body: dict, event: dict) -> None:
        if not event.get("bot_id"):
            work.start(event_job(body, "mention"))  # answered in the thread: never a new top-level message

    @app.event("message")
    def direct_message(body: dict, event: dict) -> None:
        # A message with a file attached (file_share) is answered from its text; the file is never read.
        if event.get("channel_type") == "im" and not event.get("bot_id") and event.get("subtype") in DM_SUBTYPES:
            work.start(event_job(body, "dm"))

    @app.event("app_home_opened")
    def home_opened(body: dict, event: dict) -> None:
        if event.get("tab") == "home":
            work.start(event_job(body, "home"))
        elif event.get("tab") == "messages" and event.get("channel"):  # the agent view: suggested prompts
            work.start(event_job(body, "prompts"))
