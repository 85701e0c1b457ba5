"""Which bot token answers (bot/slack/tokens.py): one workspace's, or each installation's from the database,
refreshed when rotating — against a real SQLite store and the recording Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt.context import BoltContext
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation

from bot.slack.tokens import Installed, InstalledAuthorize, OneWorkspace
from bot.slack.work import Job
from bot.store import Privacy, open_store
from bot.store.installations import Installations
from tests.slack.fake_slack import FakeSlack, Workspace


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[tuple[Installed, FakeSlack]]:
    store = open_store(f"sqlite:///{tmp_path / 'srm.sqlite3'}", Privacy())
    with FakeSlack() as fake:
        yield Installed(Installations(store, "111.222"), "111.222", "secret", WebClient(base_url=fake.api_url)), fake
    store.close()


def install(tokens: Installed, team: str | None, token: str, *, enterprise: str | None = None,
            org: bool = False, refresh: str | None = None, expires_in: int | None = None) -> None:
    tokens.store.save(Installation(
        app_id="A111", enterprise_id=enterprise, team_id=team, user_id="UINSTALLER", bot_token=token,
        bot_id="B1", bot_user_id="UBOT", bot_scopes="chat:write", bot_refresh_token=refresh,
        bot_token_expires_in=expires_in, is_enterprise_install=org))


def test_one_workspace_answers_with_its_token() -> None:
    assert OneWorkspace("xoxb-1").for_job(Job("k", "command", team="T1")) == "xoxb-1"


def test_each_team_gets_its_own_token_and_an_unknown_one_none(installed: tuple[Installed, FakeSlack]) -> None:
    tokens, _ = installed
    install(tokens, "T1", "xoxb-t1")
    install(tokens, "T2", "xoxb-t2")
    assert tokens.for_job(Job("a", "mention", team="T1")) == "xoxb-t1"
    assert tokens.for_job(Job("b", "mention", team="T2")) == "xoxb-t2"
    assert tokens.for_job(Job("c", "mention", team="T3")) is None


def test_an_org_wide_install_answers_any_workspace_of_the_org(installed: tuple[Installed, FakeSlack]) -> None:
    tokens, _ = installed
    install(tokens, None, "xoxb-org", enterprise="E1", org=True)
    job = Job("a", "mention", team="T9", enterprise="E1", org_install=True)
    assert tokens.for_job(job) == "xoxb-org"
    assert tokens.for_job(Job("b", "mention", team="T9", enterprise="E2", org_install=True)) is None


def test_a_rotating_token_near_expiry_is_refreshed_and_saved(installed: tuple[Installed, FakeSlack]) -> None:
    tokens, fake = installed
    fake.add_workspace(Workspace("unused", "T1", "xoxb-t1", refresh_token="xoxe-1"))
    install(tokens, "T1", "xoxb-t1", refresh="xoxe-1", expires_in=600)  # expires within two hours
    fresh = tokens.for_job(Job("a", "mention", team="T1"))
    assert fresh == "xoxb-t1~1" and fake.received("/api/oauth.v2.access")[0].body["grant_type"] == "refresh_token"
    assert tokens.store.find_bot(enterprise_id=None, team_id="T1").bot_token == fresh  # saved for the next one
    install(tokens, "T2", "xoxb-t2", refresh="xoxe-2", expires_in=86_400)  # far from expiry: used as it is
    assert tokens.for_job(Job("b", "mention", team="T2")) == "xoxb-t2" and fake.refreshes == 1


def test_authorize_reads_the_stored_bot_without_a_web_api_call(installed: tuple[Installed, FakeSlack]) -> None:
    tokens, fake = installed
    install(tokens, "T1", "xoxb-t1")
    authorize = InstalledAuthorize(tokens)
    context = BoltContext({"is_enterprise_install": False})
    result = authorize(context=context, enterprise_id=None, team_id="T1", user_id="U1")
    assert result is not None and (result.bot_token, result.bot_id, result.bot_user_id) == ("xoxb-t1", "B1", "UBOT")
    assert authorize(context=context, enterprise_id=None, team_id="T0", user_id="U1") is None
    assert fake.calls == []  # no auth.test (or any Web API call) before an ack
