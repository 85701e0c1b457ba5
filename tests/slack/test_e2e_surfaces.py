"""Issue 9's surfaces end to end: the Procfile's gunicorn, signed requests, the recording stand-in for Slack.

The Messages tab's suggested prompts, "Who owns this?" on findings posted as attachments and as blocks,
Security Hub IDs in /srm, a DM with a file, a quiz run through its buttons, and the guard on shortcuts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.store import open_store
from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack
from tests.slack.server import WebProcess, web_env
from tests.slack.signing import action_body, command_body, event_body
from tests.slack.test_e2e_http import assert_valid_blocks, in_channel, rendered_text


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('state') / 'srm.sqlite3'}"


@pytest.fixture(scope="module")
def web(fake: FakeSlack, database: str) -> Iterator[WebProcess]:
    proc = WebProcess(web_env(fake.api_url, database))
    try:
        proc.wait_ready()
        yield proc
    finally:
        assert "Traceback" not in proc.stop()


def action_ids(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_opening_the_messages_tab_sets_the_suggested_prompts(web: WebProcess, fake: FakeSlack) -> None:
    assert web.post_signed(event_body(payloads.messages_tab("D0PROMPTS1"))).status == 200
    [call] = fake.wait_for("/api/assistant.threads.setSuggestedPrompts")
    assert call.body["channel_id"] == "D0PROMPTS1" and len(call.body["prompts"]) == 4
    assert call.headers.get("Authorization") == "Bearer xoxb-test"
    fake.settle(0.3)
    assert fake.received("/api/views.publish") == []  # the Messages tab is not the Home tab


@pytest.mark.parametrize(("fixture", "control"), [("message_securityhub_attachments", "EC2.8"),
                                                  ("message_securityhub_blocks", "S3.8")])
def test_who_owns_this_on_a_security_hub_finding(web: WebProcess, fake: FakeSlack, fixture: str,
                                                 control: str) -> None:
    body = payloads.shortcut(fixture, fake.response_url(f"sc-{control}"))
    r = web.post_signed(action_body(body))
    assert r.status == 200 and r.seconds < 3
    [call] = fake.wait_for(f"/response/sc-{control}")
    assert call.body["response_type"] == "ephemeral"
    assert call.body["text"].startswith("You (the customer)") and control in call.body["text"]
    assert_valid_blocks(call.body["blocks"])
    assert "share_answer" in action_ids(call.body["blocks"])
    assert fake.received("/api/chat.postMessage", in_channel("C111")) == []  # never a post in the channel


def test_who_owns_this_twice_with_one_trigger_is_answered_once(web: WebProcess, fake: FakeSlack) -> None:
    body = payloads.shortcut("message_guardduty_blocks", fake.response_url("sc-twice"))
    for _ in range(2):
        assert web.post_signed(action_body(body)).status == 200
    fake.wait_for("/response/sc-twice")
    fake.settle(0.8)
    assert len(fake.received("/response/sc-twice")) == 1


def test_who_owns_this_on_a_message_with_nothing_to_read(web: WebProcess, fake: FakeSlack) -> None:
    message = {"type": "message", "subtype": "bot_message", "bot_id": "B1", "ts": "1.2", "text": "",
               "attachments": [{"image_url": "https://example.com/graph.png"}]}
    web.post_signed(action_body(payloads.shortcut(message, fake.response_url("sc-empty"))))
    [call] = fake.wait_for("/response/sc-empty")
    assert "no text" in call.body["text"] and call.body["response_type"] == "ephemeral"


def test_pings_in_a_shortcut_message_are_never_echoed(web: WebProcess, fake: FakeSlack) -> None:
    message = {"type": "message", "ts": "1.3", "text": "<!channel> <@U0BOSS> asdf qwerty zxcv"}
    web.post_signed(action_body(payloads.shortcut(message, fake.response_url("sc-ping"))))
    [call] = fake.wait_for("/response/sc-ping")
    shown = json.dumps([call.body["text"], *rendered_text(call.body.get("blocks", []))])
    assert "<!channel>" not in shown and "<@U0BOSS>" not in shown


@pytest.mark.parametrize(("change", "status"), [
    ({"response_url": None}, 400), ({"message": "a string"}, 400), ({"user": None}, 400),
    ({"trigger_id": ""}, 400), ({"callback_id": "someone_elses"}, 200), ({"response_url": "ftp://x"}, 400),
])
def test_malformed_shortcuts_are_refused_before_bolt(web: WebProcess, fake: FakeSlack, change: dict,
                                                     status: int) -> None:
    body = payloads.shortcut("message_securityhub_blocks", fake.response_url("sc-bad"))
    for k, v in change.items():
        if v is None:
            body.pop(k)
        else:
            body[k] = v
    assert web.post_signed(action_body(body)).status == status
    fake.settle(0.3)
    assert fake.received("/response/sc-bad") == []


def test_who_owns_a_security_hub_control_in_srm(web: WebProcess, fake: FakeSlack) -> None:
    web.post_signed(command_body(payloads.slash("who owns EC2.8?", fake.response_url("cmd-ec28"))))
    [call] = fake.wait_for("/response/cmd-ec28")
    assert call.body["text"].startswith("You (the customer)") and "EC2.8" in call.body["text"]
    assert "ec2-controls.html#ec2-8" in json.dumps(call.body["blocks"])


def test_a_dm_with_a_file_is_answered_from_its_text(web: WebProcess, fake: FakeSlack) -> None:
    body = payloads.file_share("who owns this finding? screenshot attached — EC2.8 on our web fleet",
                               channel="D0FILE0001")
    assert web.post_signed(event_body(body)).status == 200
    [call] = fake.wait_for("/api/chat.postMessage", where=in_channel("D0FILE0001"))
    assert "EC2.8" in call.body["text"]
    assert_valid_blocks(call.body["blocks"])


def test_a_follow_up_in_a_thread_switches_the_service(web: WebProcess, fake: FakeSlack) -> None:
    thread = "1764000000.000777"
    web.post_signed(event_body(payloads.mention("who patches the guest os on ec2?", thread_ts=thread)))
    [first] = fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("thread_ts") == thread)
    assert "Amazon EC2" in first.body["text"]
    web.post_signed(event_body(payloads.mention("and on fargate?", thread_ts=thread)))
    second = fake.wait_for("/api/chat.postMessage", 2, where=lambda c: c.body.get("thread_ts") == thread)[-1]
    assert "AWS Fargate" in second.body["text"] and "same question as before" in second.body["text"]
    assert second.body["text"].startswith("AWS")  # Fargate's guest OS is AWS's, EC2's was yours


def test_a_quiz_runs_through_its_buttons(web: WebProcess, fake: FakeSlack, database: str) -> None:
    web.post_signed(command_body(payloads.slash("quiz", fake.response_url("quiz"))))
    [call] = fake.wait_for("/response/quiz")
    assert call.body["response_type"] == "ephemeral" and call.body["text"].startswith("Quiz question 1 of 10")
    for n in range(1, 11):
        assert_valid_blocks(call.body["blocks"])
        button = next(e for b in call.body["blocks"] if b["type"] == "actions" for e in b["elements"]
                      if e["action_id"] == "quiz_answer_aws")
        click = payloads.click(button["action_id"], button["value"], fake.response_url("quiz"))
        assert web.post_signed(action_body(click)).status == 200
        call = fake.wait_for("/response/quiz", n + 1)[-1]
        assert call.body["replace_original"] is True
    assert call.body["text"].startswith("Quiz done: ") and call.body["text"].endswith("/10")
    assert "quiz_start" in action_ids(call.body["blocks"])  # another round
    score = int(call.body["text"].removeprefix("Quiz done: ").split("/")[0])
    progress = open_store(database).get_quiz("T111", "W111")  # the slash command's and the clicks' user
    assert progress is not None and progress["runs"] == 1 and progress["last"]["score"] == score
    assert "current" not in progress and len(progress["last"]["missed"]) == 10 - score
    home = payloads.home_opened()
    home["event"]["user"] = "W111"
    web.post_signed(event_body(home))  # and the Home tab shows it
    view = fake.wait_for("/api/views.publish", where=lambda c: "Last round" in json.dumps(c.body))[-1]
    assert f"Last round: {score}/10" in json.dumps(view.body["view"])


def test_the_quiz_from_the_home_tab_goes_to_the_dm(web: WebProcess, fake: FakeSlack) -> None:
    click = payloads.click("quiz_start", "home", None)
    assert web.post_signed(action_body(click)).status == 200
    [call] = fake.wait_for("/api/chat.postMessage", where=in_channel("W111"))
    assert call.body["text"].startswith("Quiz question 1 of 10")
    assert {"quiz_answer_aws", "quiz_answer_customer", "quiz_answer_shared"} <= set(action_ids(call.body["blocks"]))


def test_the_server_starts_without_bolts_token_warning(web: WebProcess) -> None:
    assert "will be unused" not in web.output()


def test_who_owns_this_on_a_4000_block_message(web: WebProcess, fake: FakeSlack) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"row {i}: S3.8 FAILED on bucket-{i}"}}
              for i in range(4000)]
    body = payloads.shortcut({"type": "message", "ts": "1.4", "text": "", "blocks": blocks},
                             fake.response_url("sc-huge"))
    r = web.post_signed(action_body(body))
    assert r.status == 200 and r.seconds < 3
    [call] = fake.wait_for("/response/sc-huge")
    assert "S3.8" in call.body["text"]
    assert_valid_blocks(call.body["blocks"])
