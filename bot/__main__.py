"""`python -m bot`: Socket Mode worker (Procfile `worker:`, and `make run` when both tokens are set)."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot import logs
from bot.slack.app import build_app_verified, build_work
from bot.startup import prepare


def main() -> None:
    logs.setup()
    settings, engine = prepare("socket")
    work = build_work(settings, engine)
    work.start_background()
    try:
        SocketModeHandler(build_app_verified(settings, work), settings.app_token).start()
    finally:
        work.stop(settings.delivery_deadline + settings.call_timeout)


if __name__ == "__main__":
    main()
