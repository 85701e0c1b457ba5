"""The floor for the Slack benchmark: a Bolt app that acknowledges /srm and posts a fixed one-line reply.

Same Bolt, same WSGI adapter, same gunicorn settings as srm; no engine, no rendering.
Run by bench/slack_bench.py as `gunicorn --config python:bot.gunicorn_conf 'bench.minimal_app:create()'`.
"""

from __future__ import annotations

import os

from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def create() -> SlackRequestHandler:
    app = App(client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_BASE_URL"]),
              signing_secret=os.environ["SLACK_SIGNING_SECRET"], token_verification_enabled=False)

    @app.command("/srm")
    def command(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="ok", response_type="ephemeral")

    return SlackRequestHandler(app, path="/slack/events")
