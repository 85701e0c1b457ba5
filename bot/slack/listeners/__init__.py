"""Every Slack feature registers itself here: commands, events (mentions, DMs, App Home), actions."""

from __future__ import annotations

from slack_bolt import App

from bot.engine import Engine
from bot.slack.listeners import actions, commands, events


def register(app: App, engine: Engine) -> None:
    commands.register(app, engine)
    events.register(app, engine)
    actions.register(app, engine)
