"""End to end: the Procfile's gunicorn process, signed requests over HTTP, a recording stand-in for Slack."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.slack import payloads
from tests.slack.fake_slack import BOT_ID, Call, FakeSlack
from tests.slack.server import WebProcess, web_env
from tests.slack.signing import action_body, command_body, event_body


@pytest.fixture(scope="module")
def web(fake: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebProcess]:
    store = tmp_path_factory.mktemp("state") / "events.sqlite3"
    proc = WebProcess(web_env(fake.api_url, f"sqlite:///{store}"))
    try:
        proc.wait_ready()
        yield proc
    finally:
        proc.stop()


def in_thread(ts: str) -> Callable[[Call], bool]:
    return lambda c: c.body.get("thread_ts") == ts


def in_channel(channel: str) -> Callable[[Call], bool]:
    return lambda c: c.body.get("channel") == channel


def rendered_text(node: object) -> list[str]:
    """Every string Slack would display: the `text` of blocks and elements (not button values)."""
    if isinstance(node, list):
        return [t for item in node for t in rendered_text(item)]
    if isinstance(node, dict):
        own = [node["text"]] if isinstance(node.get("text"), str) else []
        return own + [t for k, v in node.items() if k != "value" for t in rendered_text(v)]
    return []


def assert_valid_blocks(blocks: list[dict], limit: int = 50) -> None:
    assert 0 < len(blocks) <= limit
    for b in Block.parse_all(blocks):
        b.to_dict()  # raises SlackObjectFormationError on any Block Kit limit


def test_healthz_reports_knowledge(web: WebProcess) -> None:
    r = web.get("/healthz")
    data = json.loads(r.body)
    assert r.status == 200 and data["status"] == "ok"
    assert data["knowledge"]["services"] >= 60 and len(data["knowledge"]["version"]) == 12


def test_readyz_says_the_database_answers(web: WebProcess) -> None:
    r = web.get("/readyz")
    assert r.status == 200 and json.loads(r.body) == {"status": "ready", "knowledge": "ok", "database": "ok"}
    assert web.request("POST", "/readyz").status == 405


def test_url_verification(web: WebProcess) -> None:
    r = web.post_signed(event_body({"token": "t", "challenge": "abc123", "type": "url_verification"}))
    assert r.status == 200 and json.loads(r.body) == {"challenge": "abc123"}


@pytest.mark.parametrize("how", ["forged", "stale", "missing"])
def test_bad_signatures_are_rejected_without_side_effects(web: WebProcess, fake: FakeSlack, how: str) -> None:
    url = fake.response_url(f"bad-{how}")
    body = command_body(payloads.slash("who patches rds", url))
    if how == "forged":
        r = web.post_signed(body, secret="not-the-secret")
    elif how == "stale":
        r = web.post_signed(body, ts=int(time.time()) - 10 * 60)
    else:
        r = web.request("POST", "/slack/events", body[0], {"Content-Type": body[1]})
    assert r.status == 401
    fake.settle(0.5)
    assert fake.received(f"/response/bad-{how}") == []


def test_slash_command_acks_then_answers_privately_at_response_url(web: WebProcess, fake: FakeSlack) -> None:
    before = len(fake.received("/api/chat.postMessage"))
    r = web.post_signed(command_body(payloads.slash("who patches rds", fake.response_url("cmd"))))
    assert r.status == 200 and r.body == b"" and r.seconds < 3
    [call] = fake.wait_for("/response/cmd")
    assert call.body["response_type"] == "ephemeral"
    assert "AWS" in call.body["text"]
    assert_valid_blocks(call.body["blocks"])
    action_ids = [e["action_id"] for b in call.body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {"share_answer", "feedback_helpful", "feedback_unhelpful"} <= set(action_ids)
    assert len(fake.received("/api/chat.postMessage")) == before  # works where the bot is not a member


@pytest.mark.parametrize(("text", "expect"), [("help", "/srm services"), ("", "Usage"),
                                              ("services", "Amazon RDS"), ("service rds", "Amazon RDS")])
def test_slash_subcommands(web: WebProcess, fake: FakeSlack, text: str, expect: str) -> None:
    name = f"sub-{text.replace(' ', '-') or 'empty'}"
    web.post_signed(command_body(payloads.slash(text, fake.response_url(name))))
    [call] = fake.wait_for(f"/response/{name}")
    assert expect in json.dumps(call.body)
    assert_valid_blocks(call.body["blocks"])


def test_mention_is_answered_in_a_thread_on_the_mention(web: WebProcess, fake: FakeSlack) -> None:
    body = payloads.mention("our S3 bucket was public — whose job was that?")
    assert web.post_signed(event_body(body)).status == 200
    [call] = fake.wait_for("/api/chat.postMessage", where=in_thread(body["event"]["ts"]))
    assert call.body["channel"] == "C111"
    assert "customer" in call.body["text"].lower() or "you" in call.body["text"].lower()
    assert_valid_blocks(call.body["blocks"])


def test_mention_inside_a_thread_stays_in_that_thread(web: WebProcess, fake: FakeSlack) -> None:
    body = payloads.mention("who patches rds", thread_ts="1690000000.000100")
    web.post_signed(event_body(body))
    fake.wait_for("/api/chat.postMessage", where=in_thread("1690000000.000100"))
    fake.settle(0.3)
    assert len(fake.received("/api/chat.postMessage", in_thread("1690000000.000100"))) == 1


def test_the_same_event_delivered_three_times_is_answered_once(web: WebProcess, fake: FakeSlack) -> None:
    body = payloads.mention("who rotates access keys", event_id="EvRETRY0001")
    for attempt in range(3):
        extra = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"} if attempt else {}
        assert web.post_signed(event_body(body), extra=extra).status == 200
    fake.settle(1.0)
    assert len(fake.received("/api/chat.postMessage", in_thread(body["event"]["ts"]))) == 1


def test_direct_message_is_answered_in_the_dm(web: WebProcess, fake: FakeSlack) -> None:
    body = payloads.direct_message("who patches the guest os on ec2", channel="D0DMTEST1")
    web.post_signed(event_body(body))
    [call] = fake.wait_for("/api/chat.postMessage", where=in_channel("D0DMTEST1"))
    assert "You" in call.body["text"] and "thread_ts" not in call.body


@pytest.mark.parametrize("bot_id", [BOT_ID, "BOTHERBOT1"])
def test_messages_from_bots_are_ignored(web: WebProcess, fake: FakeSlack, bot_id: str) -> None:
    channel = f"D0BOT{bot_id[-3:]}"
    body = payloads.direct_message("who patches rds", channel=channel, bot_id=bot_id, user="UOTHERBOT")
    assert web.post_signed(event_body(body)).status == 200
    fake.settle(0.8)
    assert fake.received("/api/chat.postMessage", in_channel(channel)) == []


def test_channel_ping_in_the_question_is_never_echoed(web: WebProcess, fake: FakeSlack) -> None:
    text = "<!channel> <!here> <!subteam^S123|@oncall> who patches <https://x.test|rds> &lt;script&gt;"
    web.post_signed(command_body(payloads.slash(text, fake.response_url("ping"))))
    [call] = fake.wait_for("/response/ping")
    shown = json.dumps([call.body["text"], *rendered_text(call.body["blocks"])])
    for ping in ("<!channel>", "<!here>", "<!subteam", "<script>"):
        assert ping not in shown
    assert "link_names" not in call.body


def test_huge_question_gets_a_clear_answer(web: WebProcess, fake: FakeSlack) -> None:
    text = ("who patches rds " * 1300)[:20000]
    r = web.post_signed(command_body(payloads.slash(text, fake.response_url("huge"))))
    assert r.status == 200
    [call] = fake.wait_for("/response/huge")
    assert_valid_blocks(call.body["blocks"])
    assert len(call.body["text"]) <= 3000


def test_app_home_is_published(web: WebProcess, fake: FakeSlack) -> None:
    web.post_signed(event_body(payloads.home_opened()))
    [call] = fake.wait_for("/api/views.publish")
    assert call.body["user_id"] == "U043H11ES4V"
    view = call.body["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    View(**view).to_dict()
    assert "Who owns what" in json.dumps(view)


def test_rate_limited_post_is_retried_after_retry_after(web: WebProcess, fake: FakeSlack) -> None:
    fake.script("/api/chat.postMessage", 429, {"Retry-After": "1"})
    body = payloads.direct_message("who enforces mfa for our users", channel="D0RATE001")
    web.post_signed(event_body(body))
    calls = fake.wait_for("/api/chat.postMessage", 2, where=in_channel("D0RATE001"), timeout=15)
    assert [c.status for c in calls] == [429, 200]


def test_share_button_posts_for_everyone_and_drops_the_private_copy(web: WebProcess, fake: FakeSlack) -> None:
    click = payloads.click("share_answer", "who patches rds", fake.response_url("share"))
    assert web.post_signed(action_body(click)).status == 200
    calls = fake.wait_for("/response/share", 2)
    shared = next(c for c in calls if c.body.get("response_type") == "in_channel")
    assert "AWS" in shared.body["text"] and "W111" in json.dumps(shared.body["blocks"])
    assert_valid_blocks(shared.body["blocks"])
    assert any(c.body.get("delete_original") for c in calls)


def test_did_you_mean_button_answers_the_chosen_question(web: WebProcess, fake: FakeSlack) -> None:
    r = web.post_signed(command_body(payloads.slash("rds reserved instance pricing", fake.response_url("vague"))))
    assert r.status == 200
    fake.wait_for("/response/vague")
    click = payloads.click("suggest_0", "who patches the guest os on ec2", fake.response_url("picked"))
    web.post_signed(action_body(click))
    [call] = fake.wait_for("/response/picked")
    assert call.body["replace_original"] is True and "You" in call.body["text"]
    assert_valid_blocks(call.body["blocks"])


def test_feedback_is_acknowledged(web: WebProcess, fake: FakeSlack) -> None:
    value = json.dumps({"q": "who patches rds", "owner": "aws", "duty": "engine-patching"})
    web.post_signed(action_body(payloads.click("feedback_helpful", value, fake.response_url("fb"))))
    [call] = fake.wait_for("/response/fb")
    assert "feedback" in call.body["text"].lower()


def test_missing_configuration_fails_in_one_line(tmp_path: Path) -> None:
    proc = WebProcess({"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": "x"})
    proc.proc.wait(timeout=30)
    err = proc.stop()
    assert proc.proc.returncode != 0
    [line] = err.strip().splitlines()
    assert line.startswith("srm: SLACK_BOT_TOKEN is not set")


def test_invalid_knowledge_base_refuses_to_start(tmp_path: Path) -> None:
    (tmp_path / "kb.yaml").write_text("services: [\n")
    proc = WebProcess({"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "x",
                       "SRM_KNOWLEDGE_DIR": str(tmp_path)})
    proc.proc.wait(timeout=30)
    err = proc.stop()
    assert proc.proc.returncode != 0
    assert "knowledge base is invalid" in err and "YAML syntax error" in err and "Traceback" not in err



def test_unknown_service_with_pings_echoes_none_in_text_or_blocks(web: WebProcess, fake: FakeSlack) -> None:
    text = "service <!channel> <@U0BOSS> whats for lunch"
    web.post_signed(command_body(payloads.slash(text, fake.response_url("ping-service"))))
    [call] = fake.wait_for("/response/ping-service")
    shown = json.dumps([call.body["text"], *rendered_text(call.body["blocks"])])
    assert "I don't know a service" in shown
    for ping in ("<!channel>", "<@U0BOSS>"):
        assert ping not in shown
