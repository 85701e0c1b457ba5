"""manifest.yaml (contract 5) matches what the app listens for, with minimal scopes."""

from __future__ import annotations

import yaml

from bot.render import blocks as bk
from bot.slack.app import BOT_SCOPES
from bot.slack.guard import HANDLED_EVENTS, HANDLED_SHORTCUTS
from bot.slack.listeners.shortcuts import WHO_OWNS_THIS
from tests.conftest import ROOT


def test_manifest_declares_the_command_events_interactivity_and_minimal_scopes() -> None:
    m = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    assert [c["command"] for c in m["features"]["slash_commands"]] == ["/srm"]
    assert set(m["settings"]["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im", "app_home_opened"}
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert set(m["oauth_config"]["scopes"]["bot"]) == {"commands", "app_mentions:read", "chat:write", "im:history",
                                                       "assistant:write"}
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    urls = {m["settings"]["event_subscriptions"]["request_url"], m["settings"]["interactivity"]["request_url"],
            m["features"]["slash_commands"][0]["url"]}
    assert all(u.endswith("/slack/events") for u in urls)


def test_procfile_runs_gunicorn_and_socket_mode() -> None:
    procs = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert procs["web"].split()[0] == "gunicorn" and "bot.wsgi:create()" in procs["web"]
    assert "--bind 0.0.0.0:$PORT" in procs["web"]
    assert procs["worker"].split() == ["python", "-m", "bot"]


def test_manifest_declares_the_agent_view_with_the_prompts_srm_sets() -> None:
    m = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    agent = m["features"]["agent_view"]
    assert set(agent) <= {"agent_description", "suggested_prompts", "actions"}  # the manifest schema's fields
    assert 0 < len(agent["agent_description"]) <= 300
    assert agent["suggested_prompts"] == [dict(p) for p in bk.SUGGESTED_PROMPTS]
    assert len(agent["suggested_prompts"]) == 4
    assert all(set(p) == {"title", "message"} for p in agent["suggested_prompts"])
    assert m["features"]["app_home"]["messages_tab_enabled"] is True
    assert 175 <= len(m["display_information"]["long_description"]) <= 4000


def test_manifest_declares_the_message_shortcut_srm_listens_for() -> None:
    m = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    [shortcut] = m["features"]["shortcuts"]
    assert shortcut["type"] == "message" and shortcut["callback_id"] == WHO_OWNS_THIS
    assert WHO_OWNS_THIS in HANDLED_SHORTCUTS
    assert len(shortcut["name"]) <= 25 and len(shortcut["description"]) <= 80


def test_the_oauth_manifest_is_the_same_app_plus_install_settings() -> None:
    """manifest.oauth.yaml (many workspaces) differs from manifest.yaml only where OAuth mode needs it."""
    one = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    many = yaml.safe_load((ROOT / "manifest.oauth.yaml").read_text())
    assert many["oauth_config"]["redirect_urls"] == ["https://srm.example.com/slack/oauth_redirect"]
    assert set(many["settings"]["event_subscriptions"]["bot_events"]) - set(
        one["settings"]["event_subscriptions"]["bot_events"]) == {"app_uninstalled", "tokens_revoked"}
    assert many["settings"]["token_rotation_enabled"] is True and one["settings"]["token_rotation_enabled"] is False
    assert many["settings"]["org_deploy_enabled"] is True
    assert set(many["oauth_config"]["scopes"]["bot"]) == set(one["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    for key in ("display_information", "features"):
        assert many[key] == one[key]
    assert set(HANDLED_EVENTS) >= {"app_uninstalled", "tokens_revoked"}  # the guard lets them through to Bolt
