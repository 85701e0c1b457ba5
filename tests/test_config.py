"""Settings from the environment: one workspace (SLACK_BOT_TOKEN) or many (SLACK_CLIENT_ID + SECRET)."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, OAuth, Settings

HTTP = {"SLACK_SIGNING_SECRET": "s"}


def test_one_workspace_needs_the_bot_token() -> None:
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN is not set"):
        Settings.from_env(mode="http", env=HTTP)
    settings = Settings.from_env(mode="http", env={**HTTP, "SLACK_BOT_TOKEN": "xoxb-1"})
    assert settings.bot_token == "xoxb-1" and settings.oauth is None


def test_oauth_mode_needs_no_bot_token_but_both_client_values() -> None:
    settings = Settings.from_env(mode="http", env={**HTTP, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"})
    assert settings.oauth == OAuth("1.2", "c") and settings.bot_token == ""
    with pytest.raises(ConfigError, match=r"^SLACK_CLIENT_SECRET is not set"):
        Settings.from_env(mode="http", env={**HTTP, "SLACK_CLIENT_ID": "1.2"})
    with pytest.raises(ConfigError, match=r"^SLACK_CLIENT_ID is not set"):
        Settings.from_env(mode="http", env={**HTTP, "SLACK_CLIENT_SECRET": "c", "SLACK_BOT_TOKEN": "x"})


def test_oauth_in_socket_mode_still_needs_the_app_token() -> None:
    env = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_REDIRECT_URI": "https://h/slack/oauth_redirect"}
    with pytest.raises(ConfigError, match=r"^SLACK_APP_TOKEN is not set"):
        Settings.from_env(mode="socket", env=env)
    settings = Settings.from_env(mode="socket", env={**env, "SLACK_APP_TOKEN": "xapp-1"})
    assert settings.oauth is not None and settings.oauth.redirect_uri == "https://h/slack/oauth_redirect"
