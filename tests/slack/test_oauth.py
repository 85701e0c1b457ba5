"""OAuth mode end to end: gunicorn with SLACK_CLIENT_ID/SECRET and no bot token, a real PostgreSQL server, and
the recording Slack stand-in answering oauth.v2.access. Two workspaces install through /slack/install and
/slack/oauth_redirect, each is answered with its own bot token (one of them rotating), an Enterprise Grid org
installs org-wide, and after app_uninstalled a team's events are ignored."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.pg import Server
from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack, Workspace
from tests.slack.server import Response, WebProcess, web_env
from tests.slack.signing import event_body

CLIENT_ID = "111.222"


@pytest.fixture
def oauth_host(postgres: Server) -> Iterator[tuple[str, WebProcess, FakeSlack]]:
    url = postgres.new_database()
    with FakeSlack() as fake:
        env = web_env(fake.api_url, url, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID=CLIENT_ID,
                      SLACK_CLIENT_SECRET="client-secret")
        proc = WebProcess(env)
        try:
            proc.wait_ready()
            yield url, proc, fake
        finally:
            proc.stop()


def install(proc: WebProcess, code: str) -> Response:
    """What an installer's browser does: open /slack/install, follow "Add to Slack" (Slack sends it back with a
    code and the same state), carrying the state cookie /slack/install set."""
    page = proc.get("/slack/install")
    assert page.status == 200, page.body[:300]
    link = html.unescape(re.search(rb'href="(https://slack.com/oauth/v2/authorize[^"]+)"', page.body)[1].decode())
    assert f"client_id={CLIENT_ID}" in link and "scope=commands,app_mentions:read,chat:write" in link
    state = re.search(r"state=([^&]+)", link)[1]
    cookie = next(c.split(";")[0] for c in page.header("Set-Cookie") if c.startswith("slack-app-oauth-state="))
    assert cookie == f"slack-app-oauth-state={state}"
    return proc.request("GET", f"/slack/oauth_redirect?code={code}&state={state}", headers={"Cookie": cookie})


def mention_from(text: str, team: str | None, enterprise: str | None = None, org_install: bool = False,
                 event_team: str | None = None) -> dict[str, Any]:
    body = payloads.mention(text)
    body["team_id"] = event_team or team
    body["enterprise_id"] = enterprise
    body["authorizations"] = [{"enterprise_id": enterprise, "team_id": team, "user_id": "UBOTSRM01",
                               "is_bot": True, "is_enterprise_install": org_install}]
    return body


def uninstalled(team: str, kind: str = "app_uninstalled", **event: Any) -> dict[str, Any]:
    return {"token": "x", "team_id": team, "api_app_id": "A111", "type": "event_callback",
            "event_id": f"Ev{kind}{team}", "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": team, "user_id": "UBOTSRM01", "is_bot": True,
                                "is_enterprise_install": False}],
            "event": {"type": kind, "event_ts": f"{time.time():.6f}", **event}}


def answered_in(fake: FakeSlack, body: dict[str, Any]) -> list[str]:
    """The bot tokens that carried the answer to `body` (a mention, answered in its thread)."""
    ts = body["event"]["ts"]
    return [c.headers.get("Authorization", "").removeprefix("Bearer ")
            for c in fake.received("/api/chat.postMessage", lambda c: c.body.get("thread_ts") == ts)]


def installed_teams(url: str) -> list[tuple[str | None, str | None]]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT DISTINCT enterprise_id, team_id FROM slack_bots ORDER BY 2").all()
    finally:
        engine.dispose()
    return [tuple(r) for r in rows]


def test_two_workspaces_install_and_each_is_answered_with_its_own_token(
        oauth_host: tuple[str, WebProcess, FakeSlack]) -> None:
    url, proc, fake = oauth_host
    fake.add_workspace(Workspace("code-one", "T0NE", "xoxb-one"))
    # rotation on, and the token expires within Bolt's two-hour margin: refreshed before it is used
    fake.add_workspace(Workspace("code-two", "T0TWO", "xoxb-two", refresh_token="xoxe-two", expires_in=600))

    assert install(proc, "code-one").status == 200
    assert install(proc, "code-two").status == 200
    assert installed_teams(url) == [(None, "T0NE"), (None, "T0TWO")]
    exchanged = fake.received("/api/oauth.v2.access")
    assert [c.body.get("code") for c in exchanged] == ["code-one", "code-two"]

    one, two = mention_from("who patches rds", "T0NE"), mention_from("who patches rds", "T0TWO")
    assert proc.post_signed(event_body(one)).status == 200
    assert proc.post_signed(event_body(two)).status == 200
    fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("thread_ts") == one["event"]["ts"])
    fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("thread_ts") == two["event"]["ts"])
    assert answered_in(fake, one) == ["xoxb-one"]
    refreshed = [c for c in fake.received("/api/oauth.v2.access") if c.body.get("grant_type") == "refresh_token"]
    assert refreshed and refreshed[0].body["refresh_token"] == "xoxe-two"
    assert answered_in(fake, two) == [f"xoxb-two~{fake.refreshes}"]  # the refreshed token, not the expiring one
    ready = proc.get("/readyz")
    assert ready.status == 200 and b'"installations": "ok"' in ready.body


def test_a_failed_install_stores_nothing(oauth_host: tuple[str, WebProcess, FakeSlack]) -> None:
    url, proc, fake = oauth_host
    fake.add_workspace(Workspace("code-x", "T0X", "xoxb-x"))
    forged = proc.request("GET", "/slack/oauth_redirect?code=code-x&state=forged",
                          headers={"Cookie": "slack-app-oauth-state=forged"})
    unknown = install(proc, "no-such-code")  # Slack refuses the code
    assert 400 <= forged.status < 500 and 400 <= unknown.status < 500
    assert proc.request("POST", "/slack/install").status == 405
    assert installed_teams(url) == []


def test_uninstalled_or_revoked_team_is_forgotten_and_ignored_others_still_answered(
        oauth_host: tuple[str, WebProcess, FakeSlack]) -> None:
    url, proc, fake = oauth_host
    fake.add_workspace(Workspace("code-a", "T0A", "xoxb-a"))
    fake.add_workspace(Workspace("code-b", "T0B", "xoxb-b"))
    fake.add_workspace(Workspace("code-c", "T0C", "xoxb-c"))
    assert install(proc, "code-a").status == install(proc, "code-b").status == install(proc, "code-c").status == 200

    assert proc.post_signed(event_body(uninstalled("T0A"))).status == 200
    revoked = uninstalled("T0C", "tokens_revoked", tokens={"oauth": [], "bot": ["UBOTSRM01"]})
    assert proc.post_signed(event_body(revoked)).status == 200
    deadline = time.monotonic() + 10
    while installed_teams(url) != [(None, "T0B")]:
        assert time.monotonic() < deadline, installed_teams(url)
        time.sleep(0.1)

    after_a, after_b = mention_from("who patches rds", "T0A"), mention_from("who patches rds", "T0B")
    assert proc.post_signed(event_body(after_a)).status == 200
    assert proc.post_signed(event_body(after_b)).status == 200
    fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("thread_ts") == after_b["event"]["ts"])
    fake.settle(1.0)
    assert answered_in(fake, after_b) == ["xoxb-b"]
    assert answered_in(fake, after_a) == []


def test_an_org_wide_install_answers_every_workspace_of_the_org(
        oauth_host: tuple[str, WebProcess, FakeSlack]) -> None:
    url, proc, fake = oauth_host
    fake.add_workspace(Workspace("code-org", None, "xoxb-org", enterprise="E0RG", org_install=True))
    assert install(proc, "code-org").status == 200
    assert installed_teams(url) == [("E0RG", None)]
    # two workspaces of the org, neither installed on its own
    asks = [mention_from("who patches rds", None, "E0RG", org_install=True, event_team=t) for t in ("T0W1", "T0W2")]
    for body in asks:
        assert proc.post_signed(event_body(body)).status == 200
    for body in asks:
        fake.wait_for("/api/chat.postMessage", where=lambda c, b=body: c.body.get("thread_ts") == b["event"]["ts"])
        assert answered_in(fake, body) == ["xoxb-org"]
