"""`python -m bot`: Socket Mode worker (Procfile `worker:`, and `make run` when both tokens are set).

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set it answers every workspace installed through the web process's
/slack/install (the installations are in the shared database); the install pages themselves need HTTP.
With SRM_HEALTH_PORT set it also serves /healthz, /readyz and /metrics on that port (bot.ops), so a container
engine or Prometheus can watch a process that otherwise listens on nothing.
"""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot import logs, ops
from bot.slack.app import build_app_verified, build_store, build_work, installation_store
from bot.startup import prepare


def main() -> None:
    logs.setup()
    settings, engine = prepare("socket")
    store = build_store(settings)
    work = build_work(settings, engine, store)
    if settings.health_port:
        ops.serve(settings.health_port, engine, store, installations=installation_store(work))
    work.start_background()
    try:
        SocketModeHandler(build_app_verified(settings, work), settings.app_token).start()
    finally:
        work.stop(settings.delivery_deadline + settings.call_timeout)


if __name__ == "__main__":
    main()
