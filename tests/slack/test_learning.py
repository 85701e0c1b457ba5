"""The learning loop end to end: the Procfile's gunicorn, signed requests, the recording Slack stand-in, and
the store's SQLite file read back with `srm gaps` — answers and clicks recorded, a human reached."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from slack_sdk.models.views import View

from bot.cli import main
from bot.store.schema import answers, metadata
from tests.slack import payloads
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.server import WebProcess, web_env
from tests.slack.signing import action_body, command_body, event_body
from tests.slack.test_e2e_http import assert_valid_blocks, rendered_text

ESCALATE = "C0ESCALATE"
ADMIN = "U0ADMIN01"


def start(fake: FakeSlack, url: str, **env: str) -> WebProcess:
    proc = WebProcess(web_env(fake.api_url, url, **{"SRM_ESCALATION_CHANNEL": ESCALATE,
                                                     "SRM_ADMINS": f"{ADMIN},U0OTHER", **env}))
    proc.wait_ready()
    return proc


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('learning')}/srm.sqlite3"


@pytest.fixture(scope="module")
def web(fake: FakeSlack, db: str) -> Iterator[WebProcess]:
    proc = start(fake, db)
    try:
        yield proc
    finally:
        proc.stop()


def ask(web: WebProcess, fake: FakeSlack, text: str, name: str) -> Call:
    assert web.post_signed(command_body(payloads.slash(text, fake.response_url(name)))).status == 200
    [call] = fake.wait_for(f"/response/{name}")
    return call


def buttons(blocks: list[dict]) -> dict[str, str]:
    return {e["action_id"]: e.get("value", "") for b in blocks if b["type"] == "actions" for e in b["elements"]}


def report(db: str, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["gaps", "--json", "--database", db]) == 0
    return json.loads(capsys.readouterr().out)


def wait_until(check, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_an_unanswered_question_is_listed_by_gaps(web: WebProcess, fake: FakeSlack, db: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    call = ask(web, fake, "who encrypts data in aws zorblax", "miss")
    assert {"ask_security_team", "correct_answer"} <= set(buttons(call.body["blocks"]))
    assert_valid_blocks(call.body["blocks"])
    ask(web, fake, "whose job is the zebra", "miss2")
    wait_until(lambda: any(g["name"] == "aws zorblax" for g in report(db, capsys)["unknown_services"]))
    data = report(db, capsys)
    assert any("zebra" in g["example"] for g in data["unanswered"])


def test_a_thumbs_down_with_a_correction_is_listed_with_its_comment(web: WebProcess, fake: FakeSlack, db: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    call = ask(web, fake, "who patches rds", "rds")
    value = buttons(call.body["blocks"])["feedback_unhelpful"]
    answer_id = json.loads(value)["a"]
    web.post_signed(action_body(payloads.click("feedback_unhelpful", value, fake.response_url("down"))))
    [thanks] = fake.wait_for("/response/down")
    offered = buttons(thanks.body["blocks"])
    escalation = json.loads(offered["correct_answer"])
    assert escalation["a"] == answer_id and escalation["q"] == "who patches rds"
    assert escalation["x"]["service"] == "rds"  # what the answer was about, for asking it again

    click = payloads.click("correct_answer", offered["correct_answer"], fake.response_url("fix"))
    web.post_signed(action_body(click))
    [opened] = fake.wait_for("/api/views.open", where=lambda c: c.body.get("trigger_id") == click["trigger_id"])
    View(**opened.body["view"]).to_dict()  # a valid modal
    metadata_ = json.loads(opened.body["view"]["private_metadata"])

    submission = payloads.correction_submission(metadata_, "On RDS Custom <!channel> the OS is yours",
                                                "customer", "https://docs.aws.amazon.com/AmazonRDS/custom.html")
    r = web.post_signed(action_body(submission))
    assert r.status == 200 and json.loads(r.body)["response_action"] == "update"
    [post] = fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("channel") == ESCALATE
                           and "correction" in c.body["text"])
    shown = json.dumps(rendered_text(post.body["blocks"]))
    assert "On RDS Custom" in shown and "<!channel>" not in shown and "who patches rds" in shown

    def listed() -> bool:
        down = [d for d in report(db, capsys)["downvotes"] if d["service"] == "rds"]
        return bool(down) and "On RDS Custom <!channel> the OS is yours" in down[0]["comments"]

    wait_until(listed)
    data = report(db, capsys)
    assert data["corrections"][0]["right_owner"] == "customer"
    assert data["corrections"][0]["question"] == "who patches rds"


def test_a_bad_source_url_is_refused_in_the_modal(web: WebProcess) -> None:
    body = payloads.correction_submission({"a": None, "q": "x"}, "wrong", None, "javascript:alert(1)")
    r = web.post_signed(action_body(body))
    assert r.status == 200 and json.loads(r.body) == {"response_action": "errors",
                                                      "errors": {"source": "A web address starting with "
                                                                           "https://, or leave it empty."}}


def test_ask_the_security_team_posts_question_asker_answer_and_link(web: WebProcess, fake: FakeSlack) -> None:
    mention = payloads.mention("<!here> who encrypts data in aws zorblax")
    web.post_signed(event_body(mention))
    [reply] = fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("thread_ts") == mention["event"]["ts"])
    value = buttons(reply.body["blocks"])["ask_security_team"]
    click = payloads.click("ask_security_team", value, fake.response_url("asked"), ephemeral=False)
    click["container"]["message_ts"] = "1700000001.000200"
    web.post_signed(action_body(click))
    [post] = fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("channel") == ESCALATE
                           and "asked the security team" in c.body["text"])
    [link] = fake.wait_for("/api/chat.getPermalink")
    assert link.body["message_ts"] == "1700000001.000200"
    shown = json.dumps([post.body["text"], *rendered_text(post.body["blocks"])])
    assert "<@W111>" in shown  # the asker, who pressed the button
    assert "<!here>" not in shown and "aws zorblax" in shown and "could not answer" in shown
    assert "https://test.slack.com/archives/C111/p1700000001000200" in shown
    [told] = fake.wait_for("/response/asked")
    assert f"<#{ESCALATE}>" in told.body["text"] and told.body["response_type"] == "ephemeral"


def test_admins_see_the_weeks_gaps_on_the_home_tab(web: WebProcess, fake: FakeSlack) -> None:
    ask(web, fake, "who patches aws frobnicator", "home-seed")
    for user in (ADMIN, "U0NOTADMIN"):
        body = payloads.home_opened()
        body["event"]["user"] = user
        web.post_signed(event_body(body))
    wait_until(lambda: len(fake.received("/api/views.publish", lambda c: c.body["user_id"] in
                                         (ADMIN, "U0NOTADMIN"))) == 2)
    views = {c.body["user_id"]: c.body["view"] for c in fake.received("/api/views.publish")}
    assert "Knowledge gaps this week" in json.dumps(views[ADMIN])
    assert "Knowledge gaps this week" not in json.dumps(views["U0NOTADMIN"])
    View(**views[ADMIN]).to_dict()
    assert len(views[ADMIN]["blocks"]) <= 100


def test_gaps_post_sends_the_digest_to_a_channel(web: WebProcess, fake: FakeSlack, db: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ask(web, fake, "<!channel> who patches aws zorblax", "digest-seed")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_BASE_URL", fake.api_url)
    wait_until(lambda: main(["gaps", "--database", db, "--since", "1d"]) == 0)
    assert main(["gaps", "--database", db, "--post", "C0DIGEST"]) == 0
    [post] = fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("channel") == "C0DIGEST")
    assert post.headers.get("Authorization") == "Bearer xoxb-test"
    assert_valid_blocks(post.body["blocks"])
    shown = json.dumps([post.body["text"], *rendered_text(post.body["blocks"])])
    assert "What to add next" in shown and "<!channel>" not in shown


def test_no_question_text_is_kept_when_questions_are_off(fake: FakeSlack, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/private.sqlite3"
    proc = start(fake, url, SRM_STORE_QUESTIONS="false")
    try:
        call = ask(proc, fake, "who encrypts data in aws zzsecretzz", "private")
        value = buttons(call.body["blocks"])["correct_answer"]
        proc.post_signed(action_body(payloads.click("feedback_unhelpful", value, fake.response_url("p-down"))))
        proc.post_signed(action_body(payloads.correction_submission(json.loads(value), "zzsecretzz is wrong")))
        fake.wait_for("/response/p-down")
        fake.wait_for("/api/chat.postMessage", where=lambda c: "zzsecretzz is wrong" in json.dumps(c.body))
        fake.settle(0.5)
    finally:
        log = proc.stop()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = [repr(r) for t in metadata.sorted_tables for r in conn.execute(sa.select(t))]
    engine.dispose()
    assert any("unknown_service" in r for r in rows) and any("SRM_STORE_QUESTIONS=false" in r for r in rows)
    assert not [r for r in rows if "zzsecretzz" in r]
    assert "zzsecretzz" not in log and '"msg": "answer"' in log


def test_with_the_database_down_every_question_is_still_answered(fake: FakeSlack) -> None:
    proc = start(fake, "postgresql://srm@127.0.0.1:1/srm", WEB_CONCURRENCY="1")
    try:
        with ThreadPoolExecutor(10) as pool:  # a small load run: 30 commands, 10 at a time
            calls = list(pool.map(lambda i: ask(proc, fake, "who patches rds", f"down-{i}"), range(30)))
        assert all("AWS" in c.body["text"] for c in calls)
        body = payloads.mention("who patches the guest os on ec2")
        proc.post_signed(event_body(body))
        fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("thread_ts") == body["event"]["ts"])
        assert proc.get("/healthz").status == 200
        ready = proc.get("/readyz")
        assert ready.status == 503 and json.loads(ready.body)["database"] == "unreachable"
    finally:
        log = proc.stop()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    down = [x for x in lines if x["msg"] == "store unavailable; answering without it"]
    assert len(down) == 1 and "Traceback" not in log, log[-3000:]


def test_a_dm_follow_up_is_recorded_and_its_thumbs_down_reaches_a_human(web: WebProcess, fake: FakeSlack,
                                                                        db: str) -> None:
    """Both features at once: the follow-up's context (bot.slack.state) and the learning loop's records,
    feedback and escalation (bot.slack.learning) on one DM conversation."""
    channel = "D0FOLLOW01"
    for n, text in enumerate(("who patches the os on ec2", "what about lambda?"), 1):
        web.post_signed(event_body(payloads.direct_message(text, channel=channel, ts=f"1764100000.00000{n}")))
        fake.wait_for("/api/chat.postMessage", n, where=lambda c: c.body.get("channel") == channel)
    first, second = fake.received("/api/chat.postMessage", lambda c: c.body.get("channel") == channel)
    assert "Amazon EC2" in first.body["text"] and "AWS Lambda" in second.body["text"]

    engine = sa.create_engine(db)

    def recorded() -> list[dict]:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(answers).where(answers.c.channel == channel)).mappings().all()
        return sorted((dict(r) for r in rows), key=lambda r: r["at"])

    try:
        wait_until(lambda: len(recorded()) == 2)
        rows = recorded()
    finally:
        engine.dispose()
    assert [(r["surface"], r["service"], r["answered"]) for r in rows] == [("dm", "ec2", True),
                                                                           ("dm", "lambda", True)]
    assert rows[0]["duty"] and rows[1]["duty"] == rows[0]["duty"]  # the follow-up kept the duty
    assert rows[1]["question"] == "what about lambda?"

    value = buttons(second.body["blocks"])["feedback_unhelpful"]
    assert json.loads(value)["a"] == rows[1]["id"]  # the 👎 is recorded against the follow-up's answer
    web.post_signed(action_body(payloads.click("feedback_unhelpful", value, fake.response_url("dm-down"))))
    [thanks] = fake.wait_for("/response/dm-down")
    offered = buttons(thanks.body["blocks"])
    assert {"ask_security_team", "correct_answer"} <= set(offered)

    click = payloads.click("ask_security_team", offered["ask_security_team"], fake.response_url("dm-asked"))
    web.post_signed(action_body(click))
    [post] = fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("channel") == ESCALATE
                           and "what about lambda?" in c.body["text"])
    shown = json.dumps(rendered_text(post.body["blocks"]))
    assert "srm answered" in shown and "Lambda" in shown  # asked again about what it was answered about
