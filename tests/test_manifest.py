"""manifest.yaml (contract 5) matches what the app listens for, with minimal scopes."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT


def test_manifest_declares_the_command_events_interactivity_and_minimal_scopes() -> None:
    m = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    assert [c["command"] for c in m["features"]["slash_commands"]] == ["/srm"]
    assert set(m["settings"]["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im", "app_home_opened"}
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert set(m["oauth_config"]["scopes"]["bot"]) == {"commands", "app_mentions:read", "chat:write", "im:history"}
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    urls = {m["settings"]["event_subscriptions"]["request_url"], m["settings"]["interactivity"]["request_url"],
            m["features"]["slash_commands"][0]["url"]}
    assert all(u.endswith("/slack/events") for u in urls)


def test_procfile_runs_gunicorn_and_socket_mode() -> None:
    procs = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert procs["web"].split()[0] == "gunicorn" and "bot.wsgi:create()" in procs["web"]
    assert "--bind 0.0.0.0:$PORT" in procs["web"]
    assert procs["worker"].split() == ["python", "-m", "bot"]
