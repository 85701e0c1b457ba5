"""Every Slack feature registers itself here: commands, events (mentions, DMs, App Home), actions, shortcuts.

Listeners run in the request thread (process_before_response=True) and only turn the payload into a Job
and start it (bot.slack.work): the ack goes back at once, the answer comes from the answer pool.
"""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, events, shortcuts
from bot.slack.work import Work


def register(app: App, work: Work) -> None:
    commands.register(app, work)
    events.register(app, work)
    actions.register(app, work)
    shortcuts.register(app, work)
