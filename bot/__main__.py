"""`python -m bot`: Socket Mode worker (Procfile `worker:`, and `make run` when both tokens are set)."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot import logs
from bot.slack.app import build_app
from bot.startup import prepare


def main() -> None:
    logs.setup()
    settings, engine = prepare("socket")
    SocketModeHandler(build_app(settings, engine), settings.app_token).start()


if __name__ == "__main__":
    main()
