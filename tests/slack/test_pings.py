"""No ping is ever echoed: every reply path, built by the real plan and sent by the real deliverer."""

from __future__ import annotations

import json
import re
import time

import pytest

from bot.engine import EXAMPLES, Engine
from bot.render import blocks as bk
from bot.slack.delivery import Deliverer, no_pings
from bot.slack.listeners.replies import plan
from bot.slack.work import Job
from tests.slack.fake_slack import FakeSlack

HOSTILE = "<!channel> <!here> <!everyone> <!subteam^S0ONCALL|@oncall> <@U0BOSS> <@U0BOSS|boss>"
PING = re.compile(r"<[!@]")


def shown(node: object) -> list[str]:
    """Top-level text and every mrkdwn text: where Slack would notify."""
    if isinstance(node, list):
        return [t for n in node for t in shown(n)]
    if isinstance(node, dict):
        own = [node["text"]] if isinstance(node.get("text"), str) and node.get("type") != "plain_text" else []
        return own + [t for k, v in node.items() if k not in ("value", "text") or not isinstance(v, str)
                      for t in shown(v)]
    return []


JOBS = {
    "command question": Job("k1", "command", f"whats for lunch {HOSTILE}", response_url="R"),
    "command service": Job("k2", "command", f"service {HOSTILE} whats for lunch", response_url="R"),
    "command service answered": Job("k3", "command", f"who patches rds {HOSTILE}", response_url="R"),
    "mention": Job("k4", "mention", f"{HOSTILE} who patches rds", channel="C1", thread_ts="1.1"),
    "dm not answered": Job("k5", "dm", f"{HOSTILE} pizza", channel="D1"),
    "share": Job("k6", "share", f"who patches rds {HOSTILE}", user="W111", response_url="R"),
    "suggestion": Job("k7", "suggest", f"rds pricing {HOSTILE}", user="W111", response_url="R", ephemeral=True),
    "suggestion from home": Job("k8", "suggest", f"{HOSTILE} rds", user="W111"),
    "home example": Job("k9", "example", f"{HOSTILE} who patches rds?", user="W111"),
}


@pytest.mark.parametrize("name", JOBS)
def test_no_ping_reaches_slack(name: str, engine: Engine, fake: FakeSlack) -> None:
    job = JOBS[name]
    url = fake.response_url(f"ping-{job.key}")
    job = Job(**{**job.__dict__, "response_url": url if job.response_url else None})
    deliverer = Deliverer("xoxb-test", fake.api_url)
    before = len(fake.calls)
    for message in plan(engine, bk.home_view(engine.kb, EXAMPLES), job):
        assert deliverer.send(message, time.monotonic() + 5, job.key)
    sent = fake.calls[before:]
    assert sent
    for call in sent:
        texts = shown(call.body)
        leaked = [t for t in texts if PING.search(t.replace(f"<@{job.user}>", "") if name == "share" else t)]
        assert leaked == [], f"{name}: {leaked}"
    if name == "share":
        assert "<@W111>" in json.dumps(sent[0].body)  # the sharer is named, as intended


def test_no_pings_escapes_mrkdwn_and_top_level_text_only() -> None:
    payload = {"text": "<!here> hi", "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "<@U1> and <https://aws.amazon.com|docs>"}},
        {"type": "header", "text": {"type": "plain_text", "text": "<!channel>"}}]}
    out = no_pings(payload)
    assert out["text"] == "&lt;!here&gt; hi"
    assert out["blocks"][0]["text"]["text"] == "&lt;@U1&gt; and <https://aws.amazon.com|docs>"
    assert out["blocks"][1]["text"]["text"] == "<!channel>"  # plain_text never notifies
